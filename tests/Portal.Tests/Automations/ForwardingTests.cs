using System.Net;
using System.Text;
using Portal.Automations;

namespace Portal.Tests.Automations;

/// <summary>Forwarding's signature (Standard Webhooks) and the operator's allow-list of destinations.</summary>
public sealed class ForwardingTests
{
    [Fact]
    public void The_signature_matches_the_standard_webhooks_test_vector()
    {
        // standard-webhooks/standard-webhooks libraries/csharp/StandardWebhooks.Tests/WebhookTest.cs (verifyWebhookSignWorks),
        // the same vector as libraries/go/webhook_test.go; copied into docs/automations.md.
        var signature = StandardWebhookSignature.Sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, Encoding.UTF8.GetBytes("""{"test": 2432232314}"""));

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void A_new_secret_has_the_prefix_and_32_random_bytes()
    {
        var secret = StandardWebhookSignature.NewSecret();

        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.NotEqual(secret, StandardWebhookSignature.NewSecret());
    }

    [Theory]
    [InlineData("https://hooks.example.com/sentry", null)]
    [InlineData("https://a.b.example.net/x", null)]
    [InlineData("https://example.net/x", "is not an allowed destination")]
    [InlineData("https://evil.com/x", "is not an allowed destination")]
    [InlineData("https://hooks.example.com.evil.com/x", "is not an allowed destination")]
    [InlineData("http://hooks.example.com/x", null)]
    [InlineData("http://a.example.net/x", "Plain http is allowed only to a host the operator lists by name")]
    [InlineData("https://user:pw@hooks.example.com/x", "user name or password")]
    [InlineData("ftp://hooks.example.com/x", "absolute http(s) URL")]
    [InlineData("/relative", "absolute http(s) URL")]
    [InlineData("http://127.0.0.1:8080/x", null)]
    [InlineData("http://127.0.0.2/x", "is not an allowed destination")]
    [InlineData("https://169.254.169.254/latest/meta-data", "is not an allowed destination")]
    public void Only_destinations_the_operator_allows_are_accepted(string url, string? problem)
    {
        var destinations = new ForwardDestinations(["hooks.example.com", "*.example.net", "127.0.0.1"]);

        var said = destinations.Problem(url);

        if (problem is null)
        {
            Assert.Null(said);
        }
        else
        {
            Assert.Contains(problem, said, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_wildcard_never_admits_an_internal_address_and_nothing_is_allowed_until_the_operator_says_so()
    {
        var wildcard = new ForwardDestinations(["*.example.net"]);

        Assert.False(wildcard.MayConnect("hooks.example.net", IPAddress.Loopback));
        Assert.False(wildcard.MayConnect("hooks.example.net", IPAddress.Parse("169.254.169.254")));
        Assert.False(wildcard.MayConnect("hooks.example.net", IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.False(wildcard.MayConnect("hooks.example.net", IPAddress.Parse("fe80::1")));
        Assert.True(wildcard.MayConnect("hooks.example.net", IPAddress.Parse("93.184.216.34")));
        Assert.True(new ForwardDestinations(["localhost"]).MayConnect("localhost", IPAddress.Loopback));
        Assert.Contains("Forwarding is off", new ForwardDestinations([]).Problem("https://hooks.example.com/"), StringComparison.Ordinal);
    }
}
