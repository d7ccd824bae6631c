namespace Portal.SignIn;

/// <summary>Names and paths of "Sign in with Sentry" (sentry-contract.md §5); endpoints are relative to <c>Sentry:BaseUrl</c>.</summary>
public static class SentryAuthenticationDefaults
{
    public const string AuthenticationScheme = "Sentry";

    public const string DisplayName = "Sentry";

    public const string CallbackPath = "/signin-sentry";

    public const string AuthorizationEndpointPath = "oauth/authorize/";

    public const string TokenEndpointPath = "oauth/token/";

    /// <summary>The organizations the signed-in person is a member of (needs <c>org:read</c>).</summary>
    public const string OrganizationsEndpointPath = "api/0/organizations/";
}
