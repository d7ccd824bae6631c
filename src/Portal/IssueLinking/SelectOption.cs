namespace Portal.IssueLinking;

/// <summary>One choice of a select field (SELECT_OPTIONS_SCHEMA).</summary>
public sealed record SelectOption(string Label, string Value);
