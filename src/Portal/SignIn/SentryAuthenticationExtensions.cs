using Microsoft.AspNetCore.Authentication;

namespace Portal.SignIn;

public static class SentryAuthenticationExtensions
{
    /// <summary>Adds "Sign in with Sentry" under <see cref="SentryAuthenticationDefaults.AuthenticationScheme"/>.</summary>
    public static AuthenticationBuilder AddSentry(this AuthenticationBuilder builder, Action<SentryAuthenticationOptions> configure) =>
        builder.AddOAuth<SentryAuthenticationOptions, SentryAuthenticationHandler>(
            SentryAuthenticationDefaults.AuthenticationScheme, SentryAuthenticationDefaults.DisplayName, configure);
}
