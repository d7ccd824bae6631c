namespace Portal.IssueLinking;

/// <summary>What Sentry shows its user after the app's name when the portal refuses (<c>{"message": …}</c>).</summary>
public sealed record MessageBody(string Message);
