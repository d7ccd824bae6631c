using System.Text.Json;
using Portal.SentryPlatform.Payloads;

namespace Portal.Tests.SentryPlatform.Payloads;

public sealed class SentryTokenGrantTests
{
    [Fact]
    public void An_installation_grant_has_both_tokens_and_its_expiry_in_UTC()
    {
        using var answer = JsonDocument.Parse("{\"token\":\"tok\",\"refreshToken\":\"ref\",\"expiresAt\":\"2019-08-08T04:25:09.870+02:00\"}");

        var grant = SentryTokenGrant.From(answer.RootElement);

        Assert.Equal(new SentryTokenGrant("tok", "ref", new DateTimeOffset(2019, 8, 8, 2, 25, 9, 870, TimeSpan.Zero)), grant);
        Assert.Equal(TimeSpan.Zero, grant!.ExpiresAt!.Value.Offset);
    }

    [Fact]
    public void An_internal_integrations_token_has_no_refresh_token_and_no_expiry()
    {
        using var answer = JsonDocument.Parse("{\"token\":\"tok\",\"refreshToken\":null,\"expiresAt\":null}");

        var grant = SentryTokenGrant.From(answer.RootElement);

        Assert.Equal(new SentryTokenGrant("tok", "", null), grant);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"token\":\"\"}")]
    [InlineData("{\"token\":42}")]
    public void An_answer_without_a_token_is_no_grant(string json)
    {
        using var answer = JsonDocument.Parse(json);

        Assert.Null(SentryTokenGrant.From(answer.RootElement));
    }

    [Fact]
    public void Its_text_never_shows_a_token()
    {
        var grant = new SentryTokenGrant("access-secret", "refresh-secret", null);

        Assert.DoesNotContain("secret", grant.ToString(), StringComparison.Ordinal);
    }
}
