using System.Globalization;
using System.Text.Json;

namespace Portal.SentryPlatform.Payloads;

/// <summary>
/// An installation's access and refresh token as Sentry's token endpoint answers them (sentry-contract.md §1.4).
/// <see cref="ToString"/> never shows the tokens, so a logged or inspected grant cannot leak them.
/// </summary>
internal sealed record SentryTokenGrant(string Token, string RefreshToken, DateTimeOffset? ExpiresAt)
{
    /// <summary>From the token endpoint's answer; null when it carries no token.</summary>
    public static SentryTokenGrant? From(JsonElement answer)
    {
        if (answer.StringOf("token") is not { Length: > 0 } token)
        {
            return null;
        }

        // An internal integration's token has no expiry and no refresh token; an installation's always has both.
        var refreshToken = answer.StringOf("refreshToken") ?? "";
        DateTimeOffset? expiresAt = answer.StringOf("expiresAt") is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed.ToUniversalTime()
                : null;
        return new SentryTokenGrant(token, refreshToken, expiresAt);
    }

    public override string ToString() => $"SentryTokenGrant {{ ExpiresAt = {ExpiresAt:O} }}";
}
