using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.Extensions.Options;

namespace Portal.SignIn;

/// <summary>
/// Turns Sentry's token response into the portal's sign-in: the person from its <c>user</c> object, and — asked
/// of Sentry with the person's token — the organizations they are a member of. Nothing else from Sentry is kept
/// (the token itself is not saved).
/// </summary>
public sealed partial class SentryAuthenticationHandler(
    IOptionsMonitor<SentryAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : OAuthHandler<SentryAuthenticationOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticationTicket> CreateTicketAsync(
        ClaimsIdentity identity, AuthenticationProperties properties, OAuthTokenResponse tokens)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Response?.RootElement is not { ValueKind: JsonValueKind.Object } root
            || !root.TryGetProperty("user", out var user) || user.ValueKind != JsonValueKind.Object)
        {
            LogNoUser(Logger);
            throw new AuthenticationFailureException("Sentry's token response named no user.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, Options.OrganizationsEndpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await Backchannel.SendAsync(request, Context.RequestAborted);
        if (!response.IsSuccessStatusCode)
        {
            LogOrganizationsRefused(Logger, (int)response.StatusCode);
            throw new AuthenticationFailureException($"Sentry answered {(int)response.StatusCode} when asked for the person's organizations.");
        }

        using var organizations = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Context.RequestAborted));
        if (organizations.RootElement.ValueKind == JsonValueKind.Array)
        {
            foreach (var organization in organizations.RootElement.EnumerateArray())
            {
                if (organization.TryGetProperty("slug", out var slug) && slug.ValueKind == JsonValueKind.String)
                {
                    identity.AddClaim(new Claim(SentryClaimTypes.Organization, slug.GetString()!, ClaimValueTypes.String, ClaimsIssuer));
                }
            }
        }

        var context = new OAuthCreatingTicketContext(new ClaimsPrincipal(identity), properties, Context, Scheme, Options, Backchannel, tokens, user);
        context.RunClaimActions();
        await Events.CreatingTicket(context);
        return new AuthenticationTicket(context.Principal!, context.Properties, Scheme.Name);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign in with Sentry failed: the token response named no user")]
    private static partial void LogNoUser(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign in with Sentry failed: Sentry answered {StatusCode} when asked for the person's organizations")]
    private static partial void LogOrganizationsRefused(ILogger logger, int statusCode);
}
