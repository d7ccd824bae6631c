using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tenancy;

namespace Portal.Automations;

/// <summary>The rules admins see and change, always within their organizations; changing needs the Manage role.</summary>
internal sealed class AutomationDirectory(IDbContextFactory<PortalDbContext> dbFactory, RuleBook book, ForwardDestinations destinations, DeliveryForwarder forwarder, TimeProvider time)
{
    /// <summary>Every rule the person can see, in each organization's order, with its last run and its matches of the last 24 h.</summary>
    public async Task<IReadOnlyList<RuleSummary>> ListAsync(AccessScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rules = await scope.Filter(db.AutomationRules.AsNoTracking(), r => r.OrganizationId)
            .OrderBy(r => r.OrganizationId).ThenBy(r => r.Position).ThenBy(r => r.Id)
            .ToListAsync(cancellationToken);
        var ids = rules.Select(r => r.Id).ToList();
        var since = time.GetUtcNow().AddDays(-1);
        var stats = await db.AutomationRuns.AsNoTracking()
            .Where(r => ids.Contains(r.RuleId))
            .GroupBy(r => r.RuleId)
            .Select(g => new { RuleId = g.Key, Last = g.Max(r => r.At), Recent = g.Count(r => r.At > since) })
            .ToDictionaryAsync(g => g.RuleId, cancellationToken);
        return [.. rules.Select(r => new RuleSummary(r, stats.TryGetValue(r.Id, out var s) ? s.Last : null, stats.TryGetValue(r.Id, out var t) ? t.Recent : 0))];
    }

    public async Task<AutomationRule?> FindAsync(AccessScope scope, int id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rule = await scope.Filter(db.AutomationRules.AsNoTracking(), r => r.OrganizationId).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rule is not null && !scope.CanManage(rule.OrganizationId))
        {
            // Hook URLs (Slack, Discord, Zapier) carry their secret in the path: readers see where a rule forwards, in
            // the form and in its export, not the capability itself.
            rule.Actions = RuleJson.Write([.. RuleJson.Actions(rule.Actions)
                .Select(a => a.Kind == ActionKind.Forward ? a with { Url = ForwardDestinations.Redacted(a.Url) } : a)]);
        }

        return rule;
    }

    /// <summary>Saves a new rule (<paramref name="id"/> null, placed last) or changes one; returns its id, or why not.</summary>
    public async Task<(int? Id, string? Problem)> SaveAsync(AccessScope scope, int? id, RuleDraft draft, string who, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(draft);
        if (!scope.CanManage(draft.OrganizationId))
        {
            return (null, scope.Includes(draft.OrganizationId) ? AccessMessages.ManagersOnly : "Pick one of your organizations.");
        }

        if (draft.Problem() is { } problem)
        {
            return (null, problem);
        }

        for (var i = 0; i < draft.Actions.Count; i++)
        {
            if (draft.Actions[i].Kind == ActionKind.Forward && destinations.Problem(draft.Actions[i].Url) is { } refused)
            {
                return (null, $"Action {i + 1}: {refused}");
            }
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        AutomationRule rule;
        if (id is { } existing)
        {
            rule = await db.AutomationRules.FirstOrDefaultAsync(r => r.Id == existing, cancellationToken) ?? throw new KeyNotFoundException();
            if (!scope.CanManage(rule.OrganizationId) || rule.OrganizationId != draft.OrganizationId)
            {
                return (null, "A rule stays in its organization; export it and import it into the other one.");
            }
        }
        else
        {
            if (await db.AutomationRules.CountAsync(r => r.OrganizationId == draft.OrganizationId, cancellationToken) >= RuleDraft.MaxRulesPerOrganization)
            {
                return (null, $"An organization has at most {RuleDraft.MaxRulesPerOrganization} rules; delete one you no longer need first.");
            }

            var last = await db.AutomationRules.Where(r => r.OrganizationId == draft.OrganizationId).MaxAsync(r => (int?)r.Position, cancellationToken);
            rule = new AutomationRule
            {
                OrganizationId = draft.OrganizationId,
                Name = "",
                Triggers = "",
                Conditions = "[]",
                Actions = "[]",
                Position = (last ?? -1) + 1,
                CreatedBy = who,
                CreatedAt = now,
            };
            db.AutomationRules.Add(rule);
        }

        draft.ApplyTo(rule);
        rule.UpdatedAt = now;
        if (rule.ProtectedSigningSecret is null && draft.Actions.Any(a => a.Kind == ActionKind.Forward))
        {
            rule.ProtectedSigningSecret = forwarder.Protect(StandardWebhookSignature.NewSecret());
        }

        await db.SaveChangesAsync(cancellationToken);
        book.Forget(rule.OrganizationId);
        return (rule.Id, null);
    }

    /// <summary>Turns a rule on or off; false when the person may not.</summary>
    public async Task<bool> SetEnabledAsync(AccessScope scope, int id, bool enabled, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rule = await db.AutomationRules.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rule is null || !scope.CanManage(rule.OrganizationId))
        {
            return false;
        }

        rule.Enabled = enabled;
        rule.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        book.Forget(rule.OrganizationId);
        return true;
    }

    /// <summary>Deletes a rule and its runs; false when the person may not.</summary>
    public async Task<bool> DeleteAsync(AccessScope scope, int id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rule = await db.AutomationRules.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rule is null || !scope.CanManage(rule.OrganizationId))
        {
            return false;
        }

        db.AutomationRules.Remove(rule);
        await db.SaveChangesAsync(cancellationToken);
        book.Forget(rule.OrganizationId);
        return true;
    }

    /// <summary>The secret a rule signs its forwards with, for its organization's managers to give the receiver; null otherwise.</summary>
    public async Task<string?> SigningSecretAsync(AccessScope scope, int id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rule = await db.AutomationRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return rule?.ProtectedSigningSecret is { } secret && scope.CanManage(rule.OrganizationId) ? forwarder.Unprotect(secret) : null;
    }

    /// <summary>A rule's latest runs, newest first.</summary>
    public async Task<IReadOnlyList<AutomationRun>> RunsAsync(AccessScope scope, int ruleId, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await scope.Filter(db.AutomationRuns.AsNoTracking(), r => r.OrganizationId)
            .Where(r => r.RuleId == ruleId).OrderByDescending(r => r.Id).Take(count).ToListAsync(cancellationToken);
    }

    /// <summary>What the rules made of one delivery: the verdicts and the runs; empty when none ran or the person may not see it.</summary>
    public async Task<(IReadOnlyList<RuleVerdict> Verdicts, IReadOnlyList<AutomationRun> Runs)> OfDeliveryAsync(AccessScope scope, long deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var evaluation = await scope.Filter(db.AutomationEvaluations.AsNoTracking(), e => e.OrganizationId).FirstOrDefaultAsync(e => e.DeliveryId == deliveryId, cancellationToken);
        var runs = await scope.Filter(db.AutomationRuns.AsNoTracking().Include(r => r.Rule), r => r.OrganizationId)
            .Where(r => r.DeliveryId == deliveryId).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        IReadOnlyList<RuleVerdict> verdicts = evaluation is null ? [] : RuleJson.Verdicts(evaluation.Results);
        return (verdicts, runs);
    }
}

/// <summary>A rule as the list shows it.</summary>
internal sealed record RuleSummary(AutomationRule Rule, DateTimeOffset? LastRun, int RunsLastDay);
