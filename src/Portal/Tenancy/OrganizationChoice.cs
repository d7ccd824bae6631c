namespace Portal.Tenancy;

/// <summary>An organization as a picker offers it: Sentry's id as the value, its current slug as the label.</summary>
public sealed record OrganizationChoice(long Id, string Name);
