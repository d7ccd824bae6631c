namespace Portal.SignIn;

/// <summary>
/// <c>SignIn:*</c>: the Sentry <i>OAuth application</i> used for "Sign in with Sentry" — not the Sentry App's
/// credentials. Who sees and changes what is <see cref="Portal.Tenancy.AccessOptions"/>, in the same section.
/// </summary>
public sealed class SignInOptions
{
    public const string SectionName = "SignIn";

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);
}
