using Microsoft.Extensions.Options;

namespace Portal.SignIn;

/// <summary>Outside Development the admin pages need a real sign-in, so its credentials are required there.</summary>
internal sealed class SignInOptionsValidator(IHostEnvironment environment) : IValidateOptions<SignInOptions>
{
    public ValidateOptionsResult Validate(string? name, SignInOptions options)
    {
        if (environment.IsDevelopment() || options.IsConfigured)
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(
            "SignIn:ClientId and SignIn:ClientSecret are required outside Development: create an OAuth application in Sentry (User settings → API → Applications) with the redirect URL https://<portal host>/signin-sentry.");
    }
}
