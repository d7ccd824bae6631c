namespace Portal.AppSetup;

/// <summary>One field of Sentry's developer settings and what to put in it.</summary>
public sealed record AppSetupValue(string Field, string Value, string Why);
