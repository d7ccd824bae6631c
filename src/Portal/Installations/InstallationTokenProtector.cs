using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Portal.Installations;

/// <summary>
/// Tokens at rest (reliability.md O6): the database only ever holds them protected with ASP.NET Core Data
/// Protection under a purpose of their own, so the file alone gives nobody a token.
/// </summary>
internal sealed class InstallationTokenProtector(IDataProtectionProvider provider)
{
    public const string Purpose = "SentryApp.Tokens.v1";

    private readonly IDataProtector protector = provider.CreateProtector(Purpose);

    public string Protect(string token) => protector.Protect(token);

    /// <summary>The token, or null when it cannot be decrypted (the key ring it was protected with is gone).</summary>
    public string? TryUnprotect(string? protectedToken)
    {
        if (protectedToken is null)
        {
            return null;
        }

        try
        {
            return protector.Unprotect(protectedToken);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
