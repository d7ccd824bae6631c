namespace Portal.SignIn;

/// <summary>
/// <c>SignIn:*</c>: the Sentry <i>OAuth application</i> used for "Sign in with Sentry" — not the Sentry App's
/// credentials — and who may see every organization.
/// </summary>
public sealed class SignInOptions
{
    public const string SectionName = "SignIn";

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Numeric Sentry user ids (the token response's <c>user.id</c>) that see every organization.</summary>
    public IList<long> OperatorUserIds { get; } = [];

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);
}
