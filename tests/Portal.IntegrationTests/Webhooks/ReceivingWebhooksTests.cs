using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Webhooks;

public sealed class ReceivingWebhooksTests(PortalWithSentryFactory factory) : IClassFixture<PortalWithSentryFactory>
{
    private readonly HttpClient client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string> SampleFiles => [.. SampleDeliveries.Webhooks.Select(s => s.File)];

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public async Task Every_sample_Sentry_sends_is_stored_byte_for_byte_and_processed(string file)
    {
        var sample = SampleDeliveries.Named(file);

        var response = await client.SendAsync(SignedRequests.Webhook(sample), Cancel);

        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}");
        var stored = await factory.ProcessedDeliveryAsync(sample.Body);
        Assert.Equal(sample.Body, stored.Body);
        Assert.Equal(sample.Resource, stored.Resource);
        Assert.Equal(sample.Action, stored.Action);
        Assert.False(stored.Flags.HasFlag(DeliveryFlags.Unparsed));
        Assert.False(stored.Flags.HasFlag(DeliveryFlags.StaleTimestamp));
        Assert.NotNull(stored.InstallationUuid);
    }

    [Fact]
    public async Task A_new_delivery_is_answered_202_only_once_its_row_is_committed()
    {
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "700000001");
        var requestId = Guid.NewGuid().ToString("N");

        var response = await client.SendAsync(SignedRequests.Webhook("issue", body, requestId: requestId), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var stored = await factory.FindDeliveryAsync(body);
        Assert.NotNull(stored);
        Assert.Equal(requestId, stored.RequestId);
    }

    [Fact]
    public async Task A_duplicate_body_with_a_new_request_id_and_timestamp_is_answered_200_and_not_stored_again()
    {
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.resolved.json"), "700000002");
        await client.SendAsync(SignedRequests.Webhook("issue", body), Cancel);

        var retry = await client.SendAsync(SignedRequests.Webhook("issue", body, timestamp: (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)), Cancel);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(1, await CountAsync(body));
    }

    [Fact]
    public async Task Twenty_identical_deliveries_sent_in_parallel_are_all_acknowledged_and_stored_once()
    {
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.comment.created.json"), "700000003");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.SendAsync(SignedRequests.Webhook("comment", body), Cancel)));

        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.Equal(1, await CountAsync(body));
    }

    [Fact]
    public async Task A_reused_request_id_with_a_different_body_is_stored_as_a_second_delivery()
    {
        var first = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.ignored.json"), "700000004");
        var second = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.ignored.json"), "700000005");
        var requestId = Guid.NewGuid().ToString("N");

        await client.SendAsync(SignedRequests.Webhook("issue", first, requestId: requestId), Cancel);
        var response = await client.SendAsync(SignedRequests.Webhook("issue", second, requestId: requestId), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await using var db = factory.OpenDatabase();
        Assert.Equal(2, await db.WebhookDeliveries.CountAsync(d => d.RequestId == requestId, Cancel));
        await factory.ProcessedDeliveryAsync(second);
        Assert.Single(factory.Logs.Lines, line => line.Contains($"reuses Request-ID {requestId}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_signed_body_that_repeats_a_property_name_is_stored_processed_and_flagged_unparsed()
    {
        var body = Encoding.ASCII.GetBytes($"{{\"action\":\"created\",\"installation\":{{\"uuid\":\"{Guid.NewGuid()}\"}},\"data\":{{\"issue\":{{\"id\":\"1\",\"id\":\"2\"}}}}}}");

        var response = await client.SendAsync(SignedRequests.Webhook("issue", body), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var stored = await factory.ProcessedDeliveryAsync(body);
        Assert.True(stored.Flags.HasFlag(DeliveryFlags.Unparsed));
        Assert.Equal(1, stored.Attempts);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("898a2002d3972fc29164db07d79b263bc6273a478fd6dc7c5606a94b65320aa")]
    [InlineData("898a2002d3972fc29164db07d79b263bc6273a478fd6dc7c5606a94b65320aa00")]
    [InlineData(" 898a2002d3972fc29164db07d79b263bc6273a478fd6dc7c5606a94b65320aa")]
    [InlineData("sha256=898a2002d3972fc29164db07d79b263bc6273a478fd6dc7c5606a94b65320aa0")]
    [InlineData("zz8a2002d3972fc29164db07d79b263bc6273a478fd6dc7c5606a94b65320aa0")]
    public async Task A_missing_malformed_or_wrong_signature_is_answered_401_and_nothing_is_stored(string? signature)
    {
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "700000006");
        var request = SignedRequests.Webhook("issue", body, signature: signature ?? "");
        if (signature is null)
        {
            request.Headers.Remove("Sentry-Hook-Signature");
        }

        var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(await factory.FindDeliveryAsync(body));
    }

    [Fact]
    public async Task A_signature_made_with_another_secret_is_answered_401()
    {
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "700000007");

        var response = await client.SendAsync(SignedRequests.Webhook("issue", body, secret: "not-the-client-secret"), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(await factory.FindDeliveryAsync(body));
    }

    [Fact]
    public async Task An_upper_case_hex_signature_is_accepted()
    {
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "700000008");

        var response = await client.SendAsync(SignedRequests.Webhook("issue", body, signature: SignedRequests.Sign(body).ToUpperInvariant()), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task A_body_one_byte_over_2_MiB_is_answered_413_from_its_content_length()
    {
        var body = Encoding.ASCII.GetBytes($"{{\"pad\":\"{new string('x', (2 * 1024 * 1024) - 9)}\"}}");
        Assert.Equal((2 * 1024 * 1024) + 1, body.Length);

        var response = await client.SendAsync(SignedRequests.Webhook("issue", body), Cancel);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Null(await factory.FindDeliveryAsync(body));
    }

    [Fact]
    public async Task A_chunked_body_over_2_MiB_is_answered_413_when_reading_passes_the_limit()
    {
        var body = new byte[(2 * 1024 * 1024) + 100];
        var request = SignedRequests.Webhook("issue", body);
        request.Content = new StreamContent(new MemoryStream(body));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;

        var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_signed_body_of_exactly_2_MiB_is_stored()
    {
        var body = Encoding.ASCII.GetBytes($"{{\"pad\":\"{new string('y', (2 * 1024 * 1024) - 10)}\"}}");
        Assert.Equal(2 * 1024 * 1024, body.Length);

        var response = await client.SendAsync(SignedRequests.Webhook("issue", body), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(body.Length, (await factory.FindDeliveryAsync(body))!.Body.Length);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/jsonx")]
    public async Task A_body_that_is_not_declared_json_is_answered_415(string contentType)
    {
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "700000009");

        var response = await client.SendAsync(SignedRequests.Webhook("issue", body, contentType: contentType), Cancel);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Null(await factory.FindDeliveryAsync(body));
    }

    [Fact]
    public async Task Json_with_a_charset_parameter_is_accepted()
    {
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "700000010");

        var response = await client.SendAsync(SignedRequests.Webhook("issue", body, contentType: "application/json; charset=utf-8"), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task A_signed_body_that_is_not_json_is_stored_and_flagged_unparsed()
    {
        var body = Encoding.UTF8.GetBytes("this is not { json " + Guid.NewGuid());

        var response = await client.SendAsync(SignedRequests.Webhook("issue", body), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var stored = await factory.ProcessedDeliveryAsync(body);
        Assert.True(stored.Flags.HasFlag(DeliveryFlags.Unparsed));
    }

    [Fact]
    public async Task A_signed_empty_body_is_stored_and_flagged_unparsed()
    {
        var response = await client.SendAsync(SignedRequests.Webhook("issue", []), Cancel);

        Assert.True(response.IsSuccessStatusCode);
        Assert.True((await factory.ProcessedDeliveryAsync([])).Flags.HasFlag(DeliveryFlags.Unparsed));
    }

    [Fact]
    public async Task An_unknown_resource_and_action_are_stored_flagged_unparsed_and_processed_without_an_error()
    {
        var body = Encoding.ASCII.GetBytes($"{{\"action\":\"bar\",\"installation\":{{\"uuid\":\"{Guid.NewGuid()}\"}},\"data\":{{}}}}");

        var response = await client.SendAsync(SignedRequests.Webhook("foo", body), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var stored = await factory.ProcessedDeliveryAsync(body);
        Assert.Equal(("foo", "bar"), (stored.Resource, stored.Action));
        Assert.True(stored.Flags.HasFlag(DeliveryFlags.Unparsed));
        Assert.DoesNotContain(factory.Logs.Lines, line => line.StartsWith("Error", StringComparison.Ordinal) && line.Contains(stored.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_delivery_for_an_unknown_installation_is_stored_and_flagged_orphan_by_the_processor()
    {
        var body = Encoding.ASCII.GetString(SampleDeliveries.Named("webhook.issue.assigned.json").Body)
            .Replace("a8e5d37a-696c-4c54-adb5-b3f28d64c7de", "0e0e0e0e-0000-4000-8000-000000000001", StringComparison.Ordinal);

        var response = await client.SendAsync(SignedRequests.Webhook("issue", Encoding.ASCII.GetBytes(body)), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var stored = await factory.ProcessedDeliveryAsync(Encoding.ASCII.GetBytes(body));
        Assert.True(stored.Flags.HasFlag(DeliveryFlags.Orphan));
        Assert.Null(stored.OrganizationId);
    }

    [Fact]
    public async Task Deliveries_after_installation_created_belong_to_its_organization_and_are_not_orphans()
    {
        var uuid = "1e1e1e1e-0000-4000-8000-000000000002";
        var install = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(SampleDeliveries.Named("webhook.installation.created.json").Body)
            .Replace("a8e5d37a-696c-4c54-adb5-b3f28d64c7de", uuid, StringComparison.Ordinal)
            .Replace("\"organization\":{\"slug\":\"test-org\",\"id\":5}", "\"organization\":{\"slug\":\"orbit-org\",\"id\":77}", StringComparison.Ordinal));
        var issue = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(SampleDeliveries.Named("webhook.issue.created.json").Body)
            .Replace("a8e5d37a-696c-4c54-adb5-b3f28d64c7de", uuid, StringComparison.Ordinal));

        await client.SendAsync(SignedRequests.Webhook("installation", install), Cancel);
        await client.SendAsync(SignedRequests.Webhook("issue", issue), Cancel);

        var stored = await factory.ProcessedDeliveryAsync(issue);
        Assert.Equal(77, stored.OrganizationId);
        Assert.False(stored.Flags.HasFlag(DeliveryFlags.Orphan));
        await using var db = factory.OpenDatabase();
        var installation = await db.Installations.SingleAsync(i => i.Uuid == Guid.Parse(uuid), Cancel);
        Assert.Equal(77, installation.OrganizationId);
        Assert.Equal("orbit-org", await factory.OrganizationSlugAsync(77));
    }

    [Theory]
    [InlineData(-300, false)]
    [InlineData(300, false)]
    [InlineData(-301, true)]
    [InlineData(301, true)]
    public async Task The_hook_timestamp_is_flagged_stale_only_beyond_300_seconds_and_never_refused(int skewSeconds, bool stale)
    {
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.unresolved.json"), $"71{skewSeconds + 1000:D7}");
        var timestamp = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + skewSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var response = await client.SendAsync(SignedRequests.Webhook("issue", body, timestamp: timestamp), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(stale, (await factory.FindDeliveryAsync(body))!.Flags.HasFlag(DeliveryFlags.StaleTimestamp));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1764200000000")]
    [InlineData("-5")]
    public async Task A_missing_or_malformed_hook_timestamp_is_stored_and_flagged_stale(string timestamp)
    {
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.unresolved.json"), $"72{Math.Abs(timestamp.GetHashCode(StringComparison.Ordinal)) % 10000000:D7}");
        var request = SignedRequests.Webhook("issue", body, timestamp: timestamp);

        var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var stored = await factory.FindDeliveryAsync(body);
        Assert.True(stored!.Flags.HasFlag(DeliveryFlags.StaleTimestamp));
    }

    [Fact]
    public async Task The_grant_code_reaches_no_log_line_and_no_summary_while_the_raw_row_keeps_the_exact_bytes()
    {
        const string code = "c0dec0dec0dec0dec0dec0dec0dec0dec0dec0dec0dec0dec0dec0dec0dec0de";
        var body = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(SampleDeliveries.Named("webhook.installation.created.json").Body)
            .Replace("f3c71b491e3949b6b033ae45312a4fcbf3c71b491e3949b6b033ae45312a4fcb", code, StringComparison.Ordinal)
            .Replace("a8e5d37a-696c-4c54-adb5-b3f28d64c7de", "2e2e2e2e-0000-4000-8000-000000000003", StringComparison.Ordinal));
        factory.Sentry.IssueGrant(factory.Sentry.AddInstallation(Guid.Parse("2e2e2e2e-0000-4000-8000-000000000003"), "test-org", 5), code);

        await client.SendAsync(SignedRequests.Webhook("installation", body), Cancel);

        var stored = await factory.ProcessedDeliveryAsync(body);
        Assert.Equal(body, stored.Body);
        Assert.DoesNotContain(code, stored.Summary ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Logs.Lines, line => line.Contains(code, StringComparison.Ordinal));
        await LocalSignIn.SignInAsync(client, Cancel);
        var page = await client.GetStringAsync("/", Cancel);
        Assert.DoesNotContain(code, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Neither_the_client_secret_nor_a_signature_reaches_a_log_line()
    {
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "700000011");
        var signature = SignedRequests.Sign(body);

        await client.SendAsync(SignedRequests.Webhook("issue", body, signature: signature), Cancel);
        await client.SendAsync(SignedRequests.Webhook("issue", body, signature: signature[..^1] + "0"), Cancel);
        await client.SendAsync(SignedRequests.Webhook("issue", body, secret: "wrong"), Cancel);
        await factory.ProcessedDeliveryAsync(body);

        Assert.NotEmpty(factory.Logs.Lines);
        Assert.DoesNotContain(factory.Logs.Lines, line => line.Contains(SampleDeliveries.Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Logs.Lines, line => line.Contains(signature[..16], StringComparison.OrdinalIgnoreCase));
    }

    private async Task<int> CountAsync(byte[] body)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(body);
        await using var db = factory.OpenDatabase();
        return await db.WebhookDeliveries.CountAsync(d => d.BodySha256 == hash, Cancel);
    }
}
