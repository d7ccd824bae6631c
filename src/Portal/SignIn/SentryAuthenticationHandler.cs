using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.Extensions.Options;
using Portal.Tenancy;

namespace Portal.SignIn;

/// <summary>
/// Turns Sentry's token response into the portal's sign-in: the person from its <c>user</c> object and — asked of
/// Sentry with the person's token — the organizations they belong to, by id, with their role in each. Nothing
/// else from Sentry is kept (the token itself is not saved).
/// </summary>
public sealed partial class SentryAuthenticationHandler(
    IOptionsMonitor<SentryAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : OAuthHandler<SentryAuthenticationOptions>(options, logger, encoder)
{
    /// <summary>Organizations whose role is asked at sign-in; a person in more reads the rest until a later sign-in.</summary>
    public const int MaxRolesAsked = 50;

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

        var organizations = await OrganizationsAsync(tokens.AccessToken!);
        var roles = await RolesAsync(tokens.AccessToken!, organizations.Keys.Take(MaxRolesAsked));
        foreach (var id in organizations.Keys)
        {
            identity.AddClaim(new Claim(SentryClaimTypes.Organization, id.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.String, ClaimsIssuer));
            if (roles.TryGetValue(id, out var role))
            {
                identity.AddClaim(new Claim(SentryClaimTypes.OrganizationRole, SentryClaimTypes.RoleValue(id, role), ClaimValueTypes.String, ClaimsIssuer));
            }
        }

        // Sentry sends no webhook when an owner renames an organization: its own list is how the portal hears of it.
        await Context.RequestServices.GetRequiredService<OrganizationDirectory>()
            .RefreshKnownAsync(organizations, TimeProvider.GetUtcNow(), Context.RequestAborted);

        var context = new OAuthCreatingTicketContext(new ClaimsPrincipal(identity), properties, Context, Scheme, Options, Backchannel, tokens, user);
        context.RunClaimActions();
        await Events.CreatingTicket(context);
        return new AuthenticationTicket(context.Principal!, context.Properties, Scheme.Name);
    }

    // GET /api/0/organizations/: ids are strings there ("42"); the slug is only kept to refresh display names.
    private async Task<Dictionary<long, string>> OrganizationsAsync(string accessToken)
    {
        using var response = await GetAsync(Options.OrganizationsEndpoint, accessToken);
        if (!response.IsSuccessStatusCode)
        {
            LogOrganizationsRefused(Logger, (int)response.StatusCode);
            throw new AuthenticationFailureException($"Sentry answered {(int)response.StatusCode} when asked for the person's organizations.");
        }

        var organizations = new Dictionary<long, string>();
        using var list = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Context.RequestAborted));
        if (list.RootElement.ValueKind == JsonValueKind.Array)
        {
            foreach (var organization in list.RootElement.EnumerateArray())
            {
                if (IdOf(organization) is { } id)
                {
                    organizations[id] = organization.TryGetProperty("slug", out var slug) && slug.ValueKind == JsonValueKind.String ? slug.GetString()! : "";
                }
            }
        }

        return organizations;
    }

    // GET /api/0/organizations/{id}/members/me/ answers the person's membership; orgRole is the role ("role" is its
    // deprecated twin), src/sentry/api/serializers/models/organization_member/base.py. A refusal leaves that
    // organization read-only rather than failing the sign-in.
    private async Task<Dictionary<long, string>> RolesAsync(string accessToken, IEnumerable<long> organizationIds)
    {
        var roles = new System.Collections.Concurrent.ConcurrentDictionary<long, string>();
        await Parallel.ForEachAsync(organizationIds, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Context.RequestAborted }, async (id, _) =>
        {
            var endpoint = new Uri(new Uri(Options.OrganizationsEndpoint), $"{id.ToString(CultureInfo.InvariantCulture)}/members/me/");
            using var response = await GetAsync(endpoint.ToString(), accessToken);
            if (!response.IsSuccessStatusCode)
            {
                LogRoleRefused(Logger, id, (int)response.StatusCode);
                return;
            }

            using var member = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Context.RequestAborted));
            if (member.RootElement.ValueKind == JsonValueKind.Object
                && (RoleOf(member.RootElement, "orgRole") ?? RoleOf(member.RootElement, "role")) is { } role)
            {
                roles[id] = role;
            }
        });
        return new Dictionary<long, string>(roles);
    }

    private async Task<HttpResponseMessage> GetAsync(string url, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await Backchannel.SendAsync(request, Context.RequestAborted);
    }

    private static long? IdOf(JsonElement organization) =>
        organization.ValueKind == JsonValueKind.Object && organization.TryGetProperty("id", out var id)
            ? id.ValueKind switch
            {
                JsonValueKind.String when long.TryParse(id.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0 => parsed,
                JsonValueKind.Number when id.TryGetInt64(out var number) && number > 0 => number,
                _ => null,
            }
            : null;

    // Role ids are short lower-case words (member, admin, manager, owner, or an operator-defined one).
    private static string? RoleOf(JsonElement member, string name) =>
        member.TryGetProperty(name, out var role) && role.ValueKind == JsonValueKind.String
        && role.GetString() is { Length: > 0 and <= 64 } value && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? value
            : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign in with Sentry failed: the token response named no user")]
    private static partial void LogNoUser(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign in with Sentry failed: Sentry answered {StatusCode} when asked for the person's organizations")]
    private static partial void LogOrganizationsRefused(ILogger logger, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sentry answered {StatusCode} when asked for the person's role in organization {OrganizationId}; they read it only")]
    private static partial void LogRoleRefused(ILogger logger, long organizationId, int statusCode);
}
