using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Portal.SentryPlatform;

/// <summary>
/// The JWT of Sentry's manual token refresh (sentry-contract.md §1.5): HS256 with the client secret,
/// <c>iss = sub = client id</c>, <c>iat</c>, <c>exp = iat + 60 s</c>, a random <c>jti</c>.
/// </summary>
internal static class SentryJwt
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    public static string Create(string clientId, string clientSecret, DateTimeOffset now)
    {
        var header = Encode(writer =>
        {
            writer.WriteString("alg", "HS256");
            writer.WriteString("typ", "JWT");
        });
        var payload = Encode(writer =>
        {
            writer.WriteString("iss", clientId);
            writer.WriteString("sub", clientId);
            writer.WriteNumber("iat", now.ToUnixTimeSeconds());
            writer.WriteNumber("exp", (now + Lifetime).ToUnixTimeSeconds());
            writer.WriteString("jti", Guid.NewGuid().ToString());
        });
        var signingInput = $"{header}.{payload}";
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(clientSecret), Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }

    private static string Encode(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Base64Url.EncodeToString(buffer.ToArray());
    }
}
