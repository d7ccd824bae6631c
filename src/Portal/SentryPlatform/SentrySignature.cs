using System.Security.Cryptography;

namespace Portal.SentryPlatform;

/// <summary>
/// Sentry's signature: lowercase hex HMAC-SHA256 of the exact body bytes, keyed with the client secret as UTF-8
/// (sentry-contract.md §2.2). Checked over the raw bytes, never over re-serialised JSON, and in constant time.
/// </summary>
public static class SentrySignature
{
    public const int HexLength = 2 * HMACSHA256.HashSizeInBytes;

    /// <summary>Checks <paramref name="header"/> against every key in <paramref name="keys"/> without an early exit.</summary>
    public static SignatureCheck Check(ReadOnlySpan<byte> body, string? header, IReadOnlyList<byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (string.IsNullOrEmpty(header))
        {
            return SignatureCheck.Missing;
        }

        Span<byte> claimed = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (!TryParseHex(header, claimed))
        {
            return SignatureCheck.Malformed;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var matched = false;
        foreach (var key in keys)
        {
            HMACSHA256.HashData(key, body, expected);
            matched |= CryptographicOperations.FixedTimeEquals(expected, claimed);
        }

        return matched ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    /// <summary>The signature Sentry would send for <paramref name="body"/>.</summary>
    public static string Compute(ReadOnlySpan<byte> body, byte[] key)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, body, mac);
        return Convert.ToHexStringLower(mac);
    }

    // Exactly 64 hex digits, either case; no whitespace, prefix or separators.
    private static bool TryParseHex(string header, Span<byte> destination)
    {
        if (header.Length != HexLength)
        {
            return false;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            var high = HexValue(header[2 * i]);
            var low = HexValue(header[(2 * i) + 1]);
            if ((high | low) < 0)
            {
                return false;
            }

            destination[i] = (byte)((high << 4) | low);
        }

        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
