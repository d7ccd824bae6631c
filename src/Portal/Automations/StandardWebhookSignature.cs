using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Automations;

/// <summary>
/// Signs forwarded deliveries per the Standard Webhooks specification (standardwebhooks.com, spec
/// <c>spec/standard-webhooks.md</c>; copied into docs/automations.md): HMAC-SHA256 over
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c> with the base64-decoded secret after <c>whsec_</c>, sent as
/// <c>v1,&lt;base64&gt;</c> in <c>webhook-signature</c>.
/// </summary>
internal static class StandardWebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary>A new secret: 32 random bytes, as the spec shows them (at least 24 bytes).</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string secret, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(messageId);
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var prefix = Encoding.UTF8.GetBytes($"{messageId}.{timestamp.ToString(CultureInfo.InvariantCulture)}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }
}
