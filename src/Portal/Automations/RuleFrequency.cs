using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Automations;

/// <summary>
/// Frequency conditions, counted over a rule's <see cref="AutomationSighting"/>s: "more than N events of this issue
/// in M minutes" (Sentry's <c>EventFrequencyCondition</c>, src/sentry/rules/conditions/event_frequency.py) and "more
/// than N distinct issues in M minutes". A sighting is a delivery that met the rule's other conditions, so both count
/// what the rule is about; an event seen through two resources (error.created and event_alert.triggered) counts once.
/// The window ends at the delivery's arrival, so a backlog or a replay counts as live traffic did.
/// </summary>
internal sealed class RuleFrequency(IDbContextFactory<PortalDbContext> dbFactory)
{
    public const string IssueEvents = "issue_events";
    public const string DistinctIssues = "distinct_issues";
    public const int MaxCount = 100_000;
    public const int MaxMinutes = 7 * 24 * 60;

    public static string? Problem(RuleCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        if (condition.Field is not (IssueEvents or DistinctIssues))
        {
            return $"\"{condition.Field}\" is not a frequency ({IssueEvents} or {DistinctIssues}).";
        }

        if (!int.TryParse(condition.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 0 or > MaxCount)
        {
            return $"A frequency needs a count from 0 to {MaxCount:N0} to exceed.";
        }

        return condition.Minutes is not (>= 1 and <= MaxMinutes) ? $"A frequency's window is 1 to {MaxMinutes:N0} minutes (a week)." : null;
    }

    /// <summary>The sighting of one delivery by one rule, dated when the delivery arrived.</summary>
    public static AutomationSighting SightingOf(int ruleId, long deliveryId, long organizationId, EventFacts facts, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return new AutomationSighting
        {
            RuleId = ruleId, DeliveryId = deliveryId, OrganizationId = organizationId,
            IssueId = facts.IssueId, EventId = facts.EventId, At = receivedAt,
        };
    }

    /// <summary>
    /// A matching <paramref name="verdict"/> with the rule's frequencies judged by <paramref name="test"/> (from the
    /// store, or from memory in a dry run): the first that fails decides; otherwise every reason is given.
    /// </summary>
    public static async Task<RuleVerdict> JudgeAllAsync(
        RuleVerdict verdict, IReadOnlyList<RuleCondition> frequencies, Func<RuleCondition, Task<(bool Passed, string Why)>> test)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        ArgumentNullException.ThrowIfNull(frequencies);
        ArgumentNullException.ThrowIfNull(test);
        var reasons = new List<string> { verdict.Why };
        foreach (var condition in frequencies)
        {
            var (passed, why) = await test(condition);
            if (!passed)
            {
                return verdict with { Matched = false, Why = why };
            }

            reasons.Add(why);
        }

        return verdict with { Why = string.Join("; ", reasons) };
    }

    public static int Count(RuleCondition condition) => int.Parse(condition.Value!, NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether <paramref name="condition"/> holds with <paramref name="current"/> counted, and why: over the stored
    /// sightings and <paramref name="unstored"/>, those of the same pass not stored yet.
    /// </summary>
    public async Task<(bool Passed, string Why)> TestAsync(
        RuleCondition condition, AutomationSighting current, IReadOnlyCollection<AutomationSighting> unstored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(current);
        var count = Count(condition);
        var since = current.At - TimeSpan.FromMinutes(condition.Minutes!.Value);
        if (condition.Field == IssueEvents && current.IssueId is null)
        {
            return Judge(condition, current, [], false, unstored);
        }

        // Only whether the count is exceeded matters: at most count + 1 keys are read.
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = db.AutomationSightings.AsNoTracking()
            .Where(s => s.RuleId == current.RuleId && s.At > since && s.At <= current.At && s.DeliveryId != current.DeliveryId);
        List<string> keys;
        if (condition.Field == IssueEvents)
        {
            var issueId = current.IssueId!.Value;
#pragma warning disable CA1305 // Translated to SQL, where no culture plays a part.
            keys = await stored.Where(s => s.IssueId == issueId)
                .Select(s => s.EventId ?? "delivery " + s.DeliveryId.ToString())
                .Distinct().Take(count + 1).ToListAsync(cancellationToken);
#pragma warning restore CA1305
        }
        else
        {
            keys = [.. (await stored.Where(s => s.IssueId != null).Select(s => s.IssueId!.Value)
                .Distinct().Take(count + 1).ToListAsync(cancellationToken)).Select(Text)];
        }

        return Judge(condition, current, keys, keys.Count > count, unstored);
    }

    /// <summary>The same test over sightings held in memory only (a dry run over stored deliveries).</summary>
    public static (bool Passed, string Why) Test(RuleCondition condition, AutomationSighting current, IReadOnlyCollection<AutomationSighting> earlier)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return Judge(condition, current, [], false, earlier);
    }

    private static (bool Passed, string Why) Judge(
        RuleCondition condition, AutomationSighting current, IEnumerable<string> storedKeys, bool truncated, IReadOnlyCollection<AutomationSighting> unstored)
    {
        var count = Count(condition);
        var minutes = condition.Minutes!.Value;
        var since = current.At - TimeSpan.FromMinutes(minutes);
        var window = minutes == 1 ? "the last minute" : $"the last {minutes.ToString(CultureInfo.InvariantCulture)} minutes";
        var earlier = unstored.Where(s => s.RuleId == current.RuleId && s.DeliveryId != current.DeliveryId && s.At > since && s.At <= current.At);
        HashSet<string> seen = [.. storedKeys];
        string what;
        if (condition.Field == IssueEvents)
        {
            if (current.IssueId is not { } issueId)
            {
                return (false, "this delivery names no issue to count the events of");
            }

            seen.UnionWith(earlier.Where(s => s.IssueId == issueId).Select(Key));
            seen.Add(Key(current));
            what = $"events of issue {Text(issueId)}";
        }
        else
        {
            seen.UnionWith(earlier.Where(s => s.IssueId is not null).Select(s => Text(s.IssueId!.Value)));
            if (current.IssueId is { } issueId)
            {
                seen.Add(Text(issueId));
            }

            what = "distinct issues";
        }

        var passed = seen.Count > count;
        var counted = (truncated ? "at least " : "") + seen.Count.ToString(CultureInfo.InvariantCulture);
        return (passed, $"{counted} {what} in {window}: more than {count.ToString(CultureInfo.InvariantCulture)} {(passed ? "holds" : "does not hold")}");
    }

    private static string Key(AutomationSighting sighting) => sighting.EventId ?? "delivery " + sighting.DeliveryId.ToString(CultureInfo.InvariantCulture);

    private static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);
}
