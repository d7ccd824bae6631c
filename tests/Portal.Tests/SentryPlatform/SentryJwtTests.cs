using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Portal.SentryPlatform;

namespace Portal.Tests.SentryPlatform;

public sealed class SentryJwtTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_JWT_is_HS256_over_its_first_two_parts_with_the_client_secret()
    {
        var parts = SentryJwt.Create("client", "secret", Now).Split('.');

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes("secret"), Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
        Assert.Equal(expected, Base64Url.DecodeFromChars(parts[2]));
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        Assert.Equal("HS256", header.RootElement.GetProperty("alg").GetString());
    }

    [Fact]
    public void The_claims_are_issuer_and_subject_the_client_id_valid_for_sixty_seconds_with_a_unique_id()
    {
        var first = Claims(SentryJwt.Create("client", "secret", Now));
        var second = Claims(SentryJwt.Create("client", "secret", Now));

        Assert.Equal("client", first.GetProperty("iss").GetString());
        Assert.Equal("client", first.GetProperty("sub").GetString());
        Assert.Equal(Now.ToUnixTimeSeconds(), first.GetProperty("iat").GetInt64());
        Assert.Equal(Now.ToUnixTimeSeconds() + 60, first.GetProperty("exp").GetInt64());
        Assert.NotEqual(first.GetProperty("jti").GetString(), second.GetProperty("jti").GetString());
    }

    private static JsonElement Claims(string jwt) =>
        JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[1])).RootElement.Clone();
}
