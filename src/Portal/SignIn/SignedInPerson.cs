namespace Portal.SignIn;

/// <summary>Who signed in with Sentry: their Sentry user id and name, and the organizations (by id) Sentry listed for them.</summary>
public sealed record SignedInPerson(string SentryUserId, string Name, IReadOnlyList<long> OrganizationIds);
