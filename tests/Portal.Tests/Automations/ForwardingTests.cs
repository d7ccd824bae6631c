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
    [InlineData("http://127.0.0.1/x", "Port 80 of 127.0.0.1 is not allowed")]
    [InlineData("http://127.0.0.2/x", "is not an allowed destination")]
    [InlineData("https://169.254.169.254/latest/meta-data", "is not an allowed destination")]
    [InlineData("https://[::1]/x", null)]
    [InlineData("https://[fd00:ec2::254]/x", "is not an allowed destination")]
    public void Only_destinations_the_operator_allows_are_accepted(string url, string? problem)
    {
        var destinations = new ForwardDestinations(["hooks.example.com", "*.example.net", "127.0.0.1:8080", "[::1]"]);

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

    [Theory]
    [InlineData("https://hooks.example.com/x", null)]
    [InlineData("http://hooks.example.com/x", null)]
    [InlineData("https://hooks.example.com:443/x", null)]
    [InlineData("https://hooks.example.com:8443/x", "Port 8443 of hooks.example.com is not allowed")]
    [InlineData("https://hooks.example.com:22/x", "Port 22 of hooks.example.com is not allowed")]
    [InlineData("https://a.example.org:8443/x", null)]
    [InlineData("https://a.example.org/x", "Port 443 of a.example.org is not allowed")]
    [InlineData("https://a.example.org:9000/x", "Port 9000 of a.example.org is not allowed")]
    [InlineData("https://example.org:8443/x", "is not an allowed destination")]
    public void Only_ports_443_and_80_unless_the_operator_lists_the_port(string url, string? problem)
    {
        var destinations = new ForwardDestinations(["hooks.example.com", "*.example.org:8443"]);

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

    [Theory]
    [InlineData("hooks.example.com:", "no valid port")]
    [InlineData("hooks.example.com:http", "no valid port")]
    [InlineData("hooks.example.com:70000", "no valid port")]
    public void A_pattern_with_a_broken_port_is_a_configuration_error(string pattern, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ForwardDestinations([pattern]));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    // IPv4: public, then each refused range at its edges.
    [InlineData("93.184.216.34", true)]
    [InlineData("8.8.8.8", true)]
    [InlineData("1.1.1.1", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("0.255.255.255", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("11.0.0.1", true)]
    [InlineData("100.63.255.255", true)]
    [InlineData("100.64.0.1", false)]
    [InlineData("100.127.255.255", false)]
    [InlineData("100.128.0.0", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.255.255.254", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("169.253.0.1", true)]
    [InlineData("172.15.255.255", true)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.0", true)]
    [InlineData("192.0.0.8", false)]
    [InlineData("192.0.1.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("198.17.255.255", true)]
    [InlineData("198.18.0.1", false)]
    [InlineData("198.19.255.255", false)]
    [InlineData("198.20.0.0", true)]
    [InlineData("223.255.255.255", true)]
    [InlineData("224.0.0.1", false)]
    [InlineData("239.255.255.250", false)]
    [InlineData("240.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    // IPv6.
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("2001:db8::1", true)]
    [InlineData("::", false)]
    [InlineData("::1", false)]
    [InlineData("fc00::1", false)]
    [InlineData("fd00:ec2::254", false)]
    [InlineData("fe80::1", false)]
    [InlineData("febf::1", false)]
    [InlineData("fec0::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("64:ff9b:1::a9fe:a9fe", false)]
    // IPv6 carrying IPv4: judged by the IPv4 address.
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:169.254.169.254", false)]
    [InlineData("::ffff:10.1.2.3", false)]
    [InlineData("::ffff:93.184.216.34", true)]
    [InlineData("::127.0.0.1", false)]
    [InlineData("::10.0.0.1", false)]
    [InlineData("::93.184.216.34", true)]
    [InlineData("::ffff:0:169.254.169.254", false)]
    [InlineData("64:ff9b::a9fe:a9fe", false)]
    [InlineData("64:ff9b::7f00:1", false)]
    [InlineData("64:ff9b::5db8:d822", true)]
    [InlineData("2002:a9fe:a9fe::1", false)]
    [InlineData("2002:c0a8:0101::1", false)]
    [InlineData("2002:5db8:d822::1", true)]
    public void Only_public_unicast_addresses_are_public(string address, bool isPublic)
    {
        Assert.Equal(isPublic, ForwardDestinations.IsPublicUnicast(IPAddress.Parse(address)));
    }

    [Fact]
    public void A_wildcard_never_admits_an_internal_address_and_nothing_is_allowed_until_the_operator_says_so()
    {
        var wildcard = new ForwardDestinations(["*.example.net"]);

        Assert.False(wildcard.MayConnect("hooks.example.net", 443, IPAddress.Loopback));
        Assert.False(wildcard.MayConnect("hooks.example.net", 443, IPAddress.Parse("169.254.169.254")));
        Assert.False(wildcard.MayConnect("hooks.example.net", 443, IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.False(wildcard.MayConnect("hooks.example.net", 443, IPAddress.Parse("fe80::1")));
        Assert.False(wildcard.MayConnect("hooks.example.net", 443, IPAddress.Parse("10.1.2.3")));
        Assert.True(wildcard.MayConnect("hooks.example.net", 443, IPAddress.Parse("93.184.216.34")));
        Assert.False(wildcard.MayConnect("hooks.example.net", 8443, IPAddress.Parse("93.184.216.34")));
        Assert.True(new ForwardDestinations(["localhost"]).MayConnect("localhost", 443, IPAddress.Loopback));
        Assert.True(new ForwardDestinations(["localhost:8080"]).MayConnect("localhost", 8080, IPAddress.Loopback));
        Assert.False(new ForwardDestinations(["localhost:8080"]).MayConnect("localhost", 443, IPAddress.Loopback));
        Assert.Contains("Forwarding is off", new ForwardDestinations([]).Problem("https://hooks.example.com/"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("10.1.2.3")]
    [InlineData("fd00:ec2::254")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    public async Task A_wildcard_name_resolving_inside_is_refused_when_connecting(string resolvesTo)
    {
        var resolved = new List<string>();
        var destinations = new ForwardDestinations(["*.example.net"], (host, _) =>
        {
            resolved.Add(host);
            return Task.FromResult(new[] { IPAddress.Parse(resolvesTo) });
        });
        using var client = new HttpClient(DeliveryForwarder.CreateHandler(destinations));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(new Uri("https://hooks.example.net/x"), null, TestContext.Current.CancellationToken));

        Assert.Equal(["hooks.example.net"], resolved);
        Assert.Contains("resolves only to private or internal addresses", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_public_address_a_name_resolves_to_is_the_one_connected_to()
    {
        IPAddress[] addresses = [IPAddress.Parse("10.1.2.3"), IPAddress.Parse("fd00:ec2::254"), IPAddress.Parse("93.184.216.34"), IPAddress.Parse("1.1.1.1")];
        var destinations = new ForwardDestinations(["*.example.net", "inside.example.com"], (_, _) => Task.FromResult(addresses));
        var cancel = TestContext.Current.CancellationToken;

        Assert.Equal(IPAddress.Parse("93.184.216.34"), await destinations.AddressToConnectAsync("hooks.example.net", 443, cancel));
        Assert.Equal(IPAddress.Parse("10.1.2.3"), await destinations.AddressToConnectAsync("inside.example.com", 443, cancel));
        await Assert.ThrowsAsync<HttpRequestException>(() => destinations.AddressToConnectAsync("hooks.example.net", 8443, cancel));
    }

    [Fact]
    public void The_forward_handler_never_uses_a_proxy_or_follows_a_redirect()
    {
        using var handler = DeliveryForwarder.CreateHandler(new ForwardDestinations(["hooks.example.com"]));

        Assert.False(handler.UseProxy);
        Assert.False(handler.AllowAutoRedirect);
    }

    [Theory]
    [InlineData("https://hooks.slack.com/services/T000/B000/XXXXSECRET", "https://hooks.slack.com")]
    [InlineData("https://discord.com/api/webhooks/1/token?wait=true", "https://discord.com")]
    [InlineData("http://127.0.0.1:8080/hooks/sentry", "http://127.0.0.1:8080")]
    [InlineData("https://hooks.example.com:443/x", "https://hooks.example.com")]
    [InlineData("https://[::1]:8443/x", "https://[::1]:8443")]
    [InlineData("not a url", "(not a URL)")]
    public void A_forwarding_url_is_shown_without_its_path_and_query(string url, string shown)
    {
        Assert.Equal(shown, ForwardDestinations.Redacted(url));
    }

    [Fact]
    public void A_dry_run_names_the_destination_without_its_secret_path()
    {
        var facts = ConditionCheckTests.FactsOf("error", "created", "{}");
        var action = new RuleAction { Kind = ActionKind.Forward, Url = "https://hooks.slack.com/services/T000/B000/XXXXSECRET" };

        var described = AutomationActions.Describe(action, "Forward errors", facts);

        Assert.Equal("forward the delivery to https://hooks.slack.com, signed", described.Detail);
    }
}
