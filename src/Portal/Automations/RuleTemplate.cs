namespace Portal.Automations;

/// <summary>
/// Fills a comment or title template: <c>{issue.shortId}</c>, <c>{issue.id}</c>, <c>{issue.title}</c>,
/// <c>{event.title}</c>, <c>{rule.name}</c>, <c>{project}</c>, <c>{level}</c>, <c>{environment}</c>. A placeholder the
/// delivery has no value for becomes empty; unknown ones stay as written, so a typo shows.
/// </summary>
internal static class RuleTemplate
{
    public static string Fill(string template, EventFacts facts, string ruleName)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(facts);
        return template
            .Replace("{issue.shortId}", facts.ShortId ?? "", StringComparison.Ordinal)
            .Replace("{issue.id}", facts.IssueId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", StringComparison.Ordinal)
            .Replace("{issue.title}", facts.Title ?? "", StringComparison.Ordinal)
            .Replace("{event.title}", facts.Title ?? "", StringComparison.Ordinal)
            .Replace("{rule.name}", ruleName, StringComparison.Ordinal)
            .Replace("{project}", facts.First("project") ?? "", StringComparison.Ordinal)
            .Replace("{level}", facts.Level() ?? "", StringComparison.Ordinal)
            .Replace("{environment}", facts.First("environment") ?? "", StringComparison.Ordinal);
    }
}
