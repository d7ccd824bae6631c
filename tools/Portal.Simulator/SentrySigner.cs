using System.Security.Cryptography;
using System.Text;

namespace Portal.Simulator;

/// <summary>Computes <c>Sentry-Hook-Signature</c> the way Sentry does (sentry-contract.md §2.2).</summary>
public static class SentrySigner
{
    /// <summary>Lowercase hex HMAC-SHA256 of <paramref name="body"/>, keyed with the UTF-8 bytes of the secret string.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);

        // The key is the secret string itself, not its hex decoding.
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, mac);
        return Convert.ToHexStringLower(mac);
    }
}
