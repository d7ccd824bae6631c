using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;

namespace Portal.SignIn;

/// <summary>
/// The OAuth code flow against Sentry (sentry-contract.md §5.1–5.2): PKCE with S256 (the framework's default is
/// off), the narrowest scopes that list the person's organizations and their role in each, and the person taken from the token response's
/// <c>user</c> object. Endpoints are set from <c>Sentry:BaseUrl</c> when the scheme is registered.
/// </summary>
public sealed class SentryAuthenticationOptions : OAuthOptions
{
    public SentryAuthenticationOptions()
    {
        CallbackPath = SentryAuthenticationDefaults.CallbackPath;
        UsePkce = true;
        SaveTokens = false;
        RemoteAuthenticationTimeout = TimeSpan.FromMinutes(10);
        Scope.Add("org:read");

        // The person's own membership (their role) in each organization: members/me needs member:read.
        Scope.Add("member:read");
        ClaimActions.MapJsonKey(ClaimTypes.NameIdentifier, "id");
        ClaimActions.MapJsonKey(ClaimTypes.Name, "name");
        ClaimActions.MapJsonKey(ClaimTypes.Email, "email");
    }

    /// <summary>Where the person's organizations are listed; absolute, like the other endpoints.</summary>
    public string OrganizationsEndpoint { get; set; } = default!;

    public override void Validate()
    {
        base.Validate();
        foreach (var (name, value) in new[] { (nameof(AuthorizationEndpoint), AuthorizationEndpoint), (nameof(TokenEndpoint), TokenEndpoint), (nameof(OrganizationsEndpoint), OrganizationsEndpoint) })
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out _))
            {
                throw new ArgumentException($"The Sentry sign-in's {name} must be an absolute URL.", name);
            }
        }
    }
}
