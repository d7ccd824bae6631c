using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.StacktraceLinks;
using Portal.Tenancy;

namespace Portal.Automations;

/// <summary>
/// Routing by code owners: the delivery's first in-app frame (innermost), through the organization's code mappings
/// to a repository path, against its CODEOWNERS (last matching line wins) — and the file itself, which managers keep.
/// The parsed file is kept per organization until its stored version changes.
/// </summary>
internal sealed class CodeOwnersRouting(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    // webpack:/// before webpack://, so the longer prefix is the one taken.
    private static readonly string[] FramePrefixes = ["app:///", "webpack:///", "webpack://", "~/"];

    // Each organization's parsed file (every line's regex compiled) and the version it was parsed from: UpdatedAt,
    // which SaveAsync moves forward on every save, and the text's length. A delivery reads only the version; a save
    // here or on another instance changes it, so the file is parsed again once per change, not once per delivery.
    private readonly ConcurrentDictionary<long, (DateTimeOffset UpdatedAt, int Length, CodeOwners Owners)> parsed = new();

    /// <summary>Who owns the delivery's code, and how that was decided; or why no one could be found.</summary>
    public async Task<(string? Assignee, string Why)> OwnerOfAsync(long organizationId, EventFacts facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.FirstInAppPath() is not { } file)
        {
            return (null, "the delivery has no in-app stack frame to route by");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await ParsedAsync(db, organizationId, cancellationToken) is not { } owners)
        {
            return (null, "the organization has no CODEOWNERS yet (Automations page)");
        }

        var mappings = await db.CodeMappings.AsNoTracking().Where(m => m.OrganizationId == organizationId).ToListAsync(cancellationToken);
        var path = RepositoryPath(mappings, file, facts.First("project"));
        var match = owners.Match(path);
        if (match is null)
        {
            return (null, $"no CODEOWNERS line matches {path}");
        }

        // The line's owners in order: the first Sentry can take, passing over (and saying so) those it cannot.
        var passedOver = new List<string>();
        foreach (var owner in match.Owners)
        {
            var (assignee, whyNot) = CodeOwners.AsAssignee(owner);
            if (assignee is not null)
            {
                return (assignee, $"{path}: CODEOWNERS line {match.Line} ({match.Pattern}){(passedOver.Count == 0 ? "" : $"; passed over {string.Join("; ", passedOver)}")}");
            }

            passedOver.Add(whyNot!);
        }

        return (null, $"{path}: CODEOWNERS line {match.Line} ({match.Pattern}) names no owner Sentry can assign{(passedOver.Count == 0 ? "" : $" ({string.Join("; ", passedOver)})")}");
    }

    /// <summary>The organization's CODEOWNERS, parsed: from the cache while its version is the stored one's; null when it has none.</summary>
    private async Task<CodeOwners?> ParsedAsync(PortalDbContext db, long organizationId, CancellationToken cancellationToken)
    {
        var files = db.CodeOwnersFiles.AsNoTracking().Where(f => f.OrganizationId == organizationId);
        var version = await files.Select(f => new { f.UpdatedAt, f.Text.Length }).FirstOrDefaultAsync(cancellationToken);
        if (version is null)
        {
            parsed.TryRemove(organizationId, out _);
            return null;
        }

        if (parsed.TryGetValue(organizationId, out var cached) && cached.UpdatedAt == version.UpdatedAt && cached.Length == version.Length)
        {
            return cached.Owners;
        }

        // The text with its own version, so what is cached is never labelled with another save's version; the length
        // as the database counts it (characters, not UTF-16 units), as the version above is read.
        var file = await files.Select(f => new { f.UpdatedAt, f.Text, f.Text.Length }).FirstOrDefaultAsync(cancellationToken);
        if (file is null)
        {
            return null;
        }

        var owners = CodeOwners.Parse(file.Text);
        parsed[organizationId] = (file.UpdatedAt, file.Length, owners);
        return owners;
    }

    /// <summary>The organization's CODEOWNERS text, for those who may see it; empty when it has none.</summary>
    public async Task<string> TextAsync(AccessScope scope, long organizationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (!scope.Includes(organizationId))
        {
            return "";
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.CodeOwnersFiles.AsNoTracking().Where(f => f.OrganizationId == organizationId).Select(f => f.Text).FirstOrDefaultAsync(cancellationToken) ?? "";
    }

    /// <summary>Saves the organization's CODEOWNERS; returns why not, or null.</summary>
    public async Task<string?> SaveAsync(AccessScope scope, long organizationId, string text, string who, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(text);
        if (!scope.CanManage(organizationId))
        {
            return AccessMessages.ManagersOnly;
        }

        if (text.Length > Limits.CodeOwners)
        {
            return $"CODEOWNERS is at most {Limits.CodeOwners:N0} characters here.";
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var file = await db.CodeOwnersFiles.FirstOrDefaultAsync(f => f.OrganizationId == organizationId, cancellationToken);
        var now = time.GetUtcNow();
        if (file is null)
        {
            db.CodeOwnersFiles.Add(new CodeOwnersFile { OrganizationId = organizationId, Text = text, UpdatedBy = who, UpdatedAt = now });
        }
        else
        {
            file.Text = text;
            file.UpdatedBy = who;
            // UpdatedAt is the version other instances' caches compare, so it must move even when two saves share a
            // clock reading (or this clock is behind the last saver's); a millisecond survives every provider's precision.
            file.UpdatedAt = now > file.UpdatedAt ? now : file.UpdatedAt.AddMilliseconds(1);
        }

        await db.SaveChangesAsync(cancellationToken);
        parsed.TryRemove(organizationId, out _);
        return null;
    }

    /// <summary>
    /// A frame's file as a repository path: through the most specific code mapping, else as the frame gives it, less
    /// the URL prefixes bundlers put on frames (<c>app:///</c>, <c>webpack:///</c>, <c>webpack://</c>, <c>~/</c>) and
    /// leading <c>./</c> and <c>/</c> segments. Only whole segments go: <c>.github/</c> and <c>../</c> are names.
    /// </summary>
    public static string RepositoryPath(IEnumerable<CodeMapping> mappings, string file, string? project)
    {
        var (frame, _) = StackFrame.Parse(file, "1");
        if (frame is not null && CodeMappingResolver.Resolve(mappings, frame, project) is { } resolved)
        {
            return resolved.Path;
        }

        var path = file.Replace('\\', '/');
        if (FramePrefixes.FirstOrDefault(p => path.StartsWith(p, StringComparison.Ordinal)) is { } prefix)
        {
            path = path[prefix.Length..];
        }

        while (path.StartsWith("./", StringComparison.Ordinal) || path.StartsWith('/'))
        {
            path = path[(path[0] == '/' ? 1 : 2)..];
        }

        return path;
    }
}
