using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Automations;

/// <summary>
/// Each organization's enabled rules in order, compiled, kept for a few seconds: processing asks for them on every
/// delivery, and an edit on this instance is seen at once (<see cref="Forget"/>), on another within
/// <see cref="Freshness"/>.
/// </summary>
internal sealed class RuleBook(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<long, (DateTimeOffset Read, IReadOnlyList<CompiledRule> Rules)> byOrganization = new();

    public async Task<IReadOnlyList<CompiledRule>> ForAsync(long organizationId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (byOrganization.TryGetValue(organizationId, out var cached) && now - cached.Read < Freshness)
        {
            return cached.Rules;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rules = await db.AutomationRules.AsNoTracking()
            .Where(r => r.OrganizationId == organizationId && r.Enabled)
            .OrderBy(r => r.Position).ThenBy(r => r.Id)
            .ToListAsync(cancellationToken);
        IReadOnlyList<CompiledRule> compiled = [.. rules.Select(CompiledRule.From)];
        byOrganization[organizationId] = (now, compiled);
        return compiled;
    }

    /// <summary>After an edit: the next delivery reads the organization's rules again.</summary>
    public void Forget(long organizationId) => byOrganization.TryRemove(organizationId, out _);
}
