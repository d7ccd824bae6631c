using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;
using Portal.ServiceHooks;
using Portal.Tenancy;

namespace Portal.IntegrationTests.ServiceHooks;

/// <summary>
/// <c>POST /sentry/service-hook</c> against the real host: the sample event signed with its hook's secret is
/// stored in the hook's organization; a wrong signature, another hook's secret or an unregistered hook is 401.
/// </summary>
public sealed class ServiceHookTests : IAsyncLifetime
{
    private const string SampleSecret = "sentry-sample-service-hook-secret";
    private const string SampleSignature = "8486599bce2ce76cfbf2f2b4c462e3fb224c1a1dfd07224c3e5812cbf6b0426b";
    private const string HookId = "6d1f4bba4e9b4b0ba2c8cbd3a7a8a9f0";
    private const string OtherHookId = "0123456789abcdef0123456789abcdef";

    private const long Acme = 42;
    private const long Globex = 43;

    private readonly PortalFactory portal = new();
    private HttpClient client = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        client = portal.CreateClient();
        await portal.AddOrganizationAsync(Acme, "acme");
        await portal.AddOrganizationAsync(Globex, "globex");
        var hooks = portal.Services.GetRequiredService<ServiceHookRegistry>();
        Assert.Null(await hooks.AddAsync(AccessScope.Everything, Acme, "front-end", HookId, SampleSecret, "test", Cancel));
        Assert.Null(await hooks.AddAsync(AccessScope.Everything, Globex, "api", OtherHookId, "another-hooks-secret-0123456789", "test", Cancel));
    }

    public async ValueTask DisposeAsync() => await portal.DisposeAsync();

    [Fact]
    public async Task The_sample_event_signed_with_its_hooks_secret_is_stored_in_the_hooks_organization()
    {
        var body = Sample();

        using var response = await client.SendAsync(Request(body, HookId, SampleSignature), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var delivery = await portal.ProcessedDeliveryAsync(body);
        Assert.Equal(DeliverySource.ServiceHook, delivery.Source);
        Assert.Equal("service_hook", delivery.Resource);
        Assert.Equal(Acme, delivery.OrganizationId);
        Assert.Equal(DeliveryFlags.None, delivery.Flags);
        Assert.Equal(body, delivery.Body);
    }

    [Fact]
    public async Task A_repeated_event_is_acknowledged_and_stored_once()
    {
        var body = Sample();

        using var first = await client.SendAsync(Request(body, HookId, SampleSignature), Cancel);
        using var second = await client.SendAsync(Request(body, HookId, SampleSignature), Cancel);

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
    }

    [Theory]
    [InlineData(HookId, "0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData(OtherHookId, SampleSignature)]
    [InlineData("ffffffffffffffffffffffffffffffff", SampleSignature)]
    [InlineData("../../etc", SampleSignature)]
    [InlineData("", SampleSignature)]
    [InlineData(HookId, "")]
    public async Task A_wrong_signature_another_hooks_secret_or_an_unknown_hook_is_refused_and_nothing_is_stored(string hookId, string signature)
    {
        using var response = await client.SendAsync(Request(Sample(), hookId, signature), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await using var db = portal.OpenDatabase();
        Assert.Equal(0, await db.WebhookDeliveries.CountAsync(Cancel));
    }

    [Fact]
    public async Task The_secret_is_stored_protected_and_a_removed_hook_is_refused_at_once()
    {
        await using (var db = portal.OpenDatabase())
        {
            var stored = await db.ServiceHooks.SingleAsync(h => h.HookId == HookId, Cancel);
            Assert.DoesNotContain(SampleSecret, stored.ProtectedSecret, StringComparison.Ordinal);
            Assert.Equal("cret", stored.SecretHint);
        }

        var hooks = portal.Services.GetRequiredService<ServiceHookRegistry>();
        using (var accepted = await client.SendAsync(Request(Sample(), HookId, SampleSignature), Cancel))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        await using (var db = portal.OpenDatabase())
        {
            Assert.True(await hooks.DeleteAsync(AccessScope.Everything, (await db.ServiceHooks.SingleAsync(h => h.HookId == HookId, Cancel)).Id, Cancel));
        }

        var body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Sample()) + " ");
        using var refused = await client.SendAsync(Request(body, HookId, Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SampleSecret), body))), Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private static byte[] Sample() => File.ReadAllBytes(Path.Combine(RepoPaths.Samples, "service-hook.event.json"));

    private static HttpRequestMessage Request(byte[] body, string hookId, string signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/sentry/service-hook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-ServiceHook-Timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-ServiceHook-GUID", hookId);
        request.Headers.Add("X-ServiceHook-Signature", signature);
        return request;
    }
}
