using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tenancy;

namespace Portal.StacktraceLinks;

/// <summary>The code mappings admins manage, always within their organizations.</summary>
internal sealed class CodeMappingDirectory(IDbContextFactory<PortalDbContext> dbFactory, IOptions<StacktraceLinkOptions> options, TimeProvider time)
{
    public async Task<IReadOnlyList<CodeMapping>> ListAsync(AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var mappings = await scope.Filter(db.CodeMappings.AsNoTracking().Include(m => m.Organization), m => m.OrganizationId).ToListAsync(cancellationToken);
        return [.. mappings
            .OrderBy(m => m.Organization?.Slug, StringComparer.Ordinal).ThenBy(m => m.ProjectSlug ?? "", StringComparer.Ordinal).ThenBy(m => m.StackRoot, StringComparer.Ordinal)];
    }

    /// <summary>Adds a mapping; returns why it was refused, or null.</summary>
    public async Task<string?> AddAsync(AccessScope scope, CodeMappingDraft draft, string createdBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(draft);
        if (!scope.Includes(draft.OrganizationId))
        {
            return "Pick one of your organizations.";
        }

        if (!scope.CanManage(draft.OrganizationId))
        {
            return AccessMessages.ManagersOnly;
        }

        var problem = CodeUrlTemplate.Problem(draft.UrlTemplate?.Trim(), options.Value.AllowedHosts)
            ?? (draft.StackRoot.Length > Limits.MappingRoot || draft.SourceRoot.Length > Limits.MappingRoot ? $"Roots are at most {Limits.MappingRoot} characters." : null)
            ?? (draft.StackRoot.Any(char.IsControl) || draft.SourceRoot.Any(char.IsControl) ? "Roots may not contain control characters." : null);
        if (problem is not null)
        {
            return problem;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.CodeMappings.Add(new CodeMapping
        {
            OrganizationId = draft.OrganizationId,
            ProjectSlug = string.IsNullOrWhiteSpace(draft.ProjectSlug) ? null : draft.ProjectSlug.Trim(),
            StackRoot = draft.StackRoot,
            SourceRoot = draft.SourceRoot.Trim(),
            UrlTemplate = draft.UrlTemplate!.Trim(),
            CreatedBy = createdBy,
            CreatedAt = time.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return "A mapping with this stack root already exists for that project; delete it first.";
        }
    }

    /// <summary>Removes a mapping; false when it is not one this person may change.</summary>
    public async Task<bool> DeleteAsync(AccessScope scope, int id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var mapping = await db.CodeMappings.FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (mapping is null || !scope.CanManage(mapping.OrganizationId))
        {
            return false;
        }

        db.CodeMappings.Remove(mapping);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}

/// <summary>What an admin fills in to add a mapping.</summary>
internal sealed record CodeMappingDraft(long OrganizationId, string? ProjectSlug, string StackRoot, string SourceRoot, string? UrlTemplate);
