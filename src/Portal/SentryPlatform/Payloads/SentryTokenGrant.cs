namespace Portal.SentryPlatform.Payloads;

/// <summary>
/// An installation's access and refresh token as Sentry's token endpoint answers them (sentry-contract.md §1.4).
/// <see cref="ToString"/> never shows the tokens, so a logged or inspected grant cannot leak them.
/// </summary>
internal sealed record SentryTokenGrant(string Token, string RefreshToken, DateTimeOffset? ExpiresAt)
{
    public override string ToString() => $"SentryTokenGrant {{ ExpiresAt = {ExpiresAt:O} }}";
}
