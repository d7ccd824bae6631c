using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Installations;
using Portal.IntegrationTests.TestSupport;
using Portal.ServiceHooks;
using Portal.Tenancy;

namespace Portal.IntegrationTests.Scaleout;

/// <summary>
/// Two instances on one database: what one changes in the rows the other keeps in memory (service hook secrets,
/// organizations' slugs, installations' organizations) reaches the other within seconds — announced on Redis, or,
/// when an announcement is lost or there is no Redis, found in the database on the refresh. The refresh intervals
/// are an hour unless a test is about them, so only the announcement can make a test pass.
/// </summary>
public sealed class CacheChangesAcrossInstancesTests
{
    private const string HookId = "6d1f4bba4e9b4b0ba2c8cbd3a7a8a9f0";
    private const string OldSecret = "the-hooks-first-secret-0123456789";
    private const string NewSecret = "the-hooks-second-secret-9876543210";
    private const long Acme = 42;

    private static readonly TimeSpan WithinSeconds = TimeSpan.FromSeconds(5);

    private static readonly byte[] ServiceHookSample = File.ReadAllBytes(Path.Combine(RepoPaths.Samples, "service-hook.event.json"));

    private static long sent;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_service_hook_registered_again_with_a_new_secret_on_one_instance_is_checked_with_the_new_secret_on_the_other()
    {
        await using var redis = await RedisServer.StartAsync();
        var (a, b) = await StartPairAsync(redis, refresh: TimeSpan.FromHours(1));
        await using var _ = a;
        await using var __ = b;
        await RegisterHookAsync(a, OldSecret);
        Assert.True(await AcceptsAsync(b, OldSecret), "B accepts the first secret (and keeps it in memory)");

        await RemoveHookAsync(a);
        await RegisterHookAsync(a, NewSecret);

        await Eventually.TrueAsync(() => AcceptsAsync(b, NewSecret), "B to accept the new secret", WithinSeconds);
        Assert.False(await AcceptsAsync(b, OldSecret), "B refuses the old secret");
    }

    [Fact]
    public async Task An_organization_renamed_on_one_instance_shows_its_new_slug_on_the_other()
    {
        await using var redis = await RedisServer.StartAsync();
        var (a, b) = await StartPairAsync(redis, refresh: TimeSpan.FromHours(1));
        await using var _ = a;
        await using var __ = b;
        var directoryAtB = b.Get<OrganizationDirectory>();

        await a.Factory.AddOrganizationAsync(77, "initech");
        await Eventually.TrueAsync(() => Task.FromResult(directoryAtB.SlugOf(77) == "initech"), "B to know the new organization", WithinSeconds);
        await a.Get<OrganizationDirectory>().RecordAsync(77, "initrode", DateTimeOffset.UtcNow.AddSeconds(1), Cancel);

        await Eventually.TrueAsync(() => Task.FromResult(directoryAtB.SlugOf(77) == "initrode"), "B to show the new slug", WithinSeconds);
    }

    [Fact]
    public async Task An_installations_organization_learned_on_one_instance_is_known_and_announced_on_the_other()
    {
        await using var redis = await RedisServer.StartAsync();
        var (a, b) = await StartPairAsync(redis, refresh: TimeSpan.FromHours(1));
        await using var _ = a;
        await using var __ = b;
        var installation = Guid.NewGuid();
        var learnedAtB = new List<(Guid, long?)>();
        b.Get<InstallationOrganizations>().Learned += (uuid, organization) => { lock (learnedAtB) { learnedAtB.Add((uuid, organization)); } };

        a.Get<InstallationOrganizations>().Remember(installation, Acme);

        await Eventually.TrueAsync(() => Task.FromResult(b.Get<InstallationOrganizations>().Find(installation) == Acme), "B to know the installation's organization", WithinSeconds);
        lock (learnedAtB)
        {
            // B's processor mends its own deliveries on Learned, so B must raise it too.
            Assert.Contains((installation, (long?)Acme), learnedAtB);
        }
    }

    // The announcement is lost (A drops it: Redis is down); B re-reads when its connection is lost or comes back.
    [Fact]
    public async Task A_hook_removed_while_Redis_is_down_is_refused_on_the_other_instance_within_seconds()
    {
        await using var redis = await RedisServer.StartAsync();
        var (a, b) = await StartPairAsync(redis, refresh: TimeSpan.FromHours(1));
        await using var _ = a;
        await using var __ = b;
        await RegisterHookAsync(a, OldSecret);
        Assert.True(await AcceptsAsync(b, OldSecret), "B accepts the secret (and keeps it in memory)");

        await redis.StopAsync();
        await Eventually.TrueAsync(() => Task.FromResult(!a.Instances.IsConnected && !b.Instances.IsConnected), "both instances to notice Redis is gone");
        await RemoveHookAsync(a);
        await redis.RestartAsync();

        await Eventually.TrueAsync(async () => !await AcceptsAsync(b, OldSecret), "B to refuse the removed hook", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Without_Redis_a_removed_hook_is_refused_on_the_other_instance_after_the_refresh_interval()
    {
        var (a, b) = await StartPairAsync(redis: null, refresh: TimeSpan.FromSeconds(1));
        await using var _ = a;
        await using var __ = b;
        await RegisterHookAsync(a, OldSecret);
        Assert.True(await AcceptsAsync(b, OldSecret), "B accepts the secret (and keeps it in memory)");

        await RemoveHookAsync(a);

        await Eventually.TrueAsync(async () => !await AcceptsAsync(b, OldSecret), "B to refuse the removed hook", WithinSeconds);
    }

    // B is given A's database; disposing B before A (await using in that order) keeps the file until both are done.
    private static async Task<(PortalInstance A, PortalInstance B)> StartPairAsync(RedisServer? redis, TimeSpan refresh)
    {
        var prefix = $"portal-{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string?>
        {
            ["Portal:Scaleout:RefreshInterval"] = refresh.ToString("c", CultureInfo.InvariantCulture),
            ["Portal:Scaleout:RefreshIntervalWithRedis"] = refresh.ToString("c", CultureInfo.InvariantCulture),
        };
        var a = await PortalInstance.StartAsync(redis, prefix, settings: settings);
        var b = await PortalInstance.StartAsync(redis, prefix, a.Factory, settings);
        if (redis is not null)
        {
            await Eventually.TrueAsync(() => Task.FromResult(a.Instances.IsConnected && b.Instances.IsConnected), "both instances connected to Redis");
        }

        return (a, b);
    }

    private static async Task RegisterHookAsync(PortalInstance instance, string secret)
    {
        await instance.Factory.AddOrganizationAsync(Acme, "acme");
        Assert.Null(await instance.Get<ServiceHookRegistry>().AddAsync(AccessScope.Everything, Acme, "front-end", HookId, secret, "test", Cancel));
    }

    private static async Task RemoveHookAsync(PortalInstance instance)
    {
        await using var db = instance.Factory.OpenDatabase();
        var id = (await db.ServiceHooks.SingleAsync(h => h.HookId == HookId, Cancel)).Id;
        Assert.True(await instance.Get<ServiceHookRegistry>().DeleteAsync(AccessScope.Everything, id, Cancel));
    }

    // A fresh event each time (so none is a repeat), signed with the secret as Sentry signs it.
    private static async Task<bool> AcceptsAsync(PortalInstance instance, string secret)
    {
        var marker = Interlocked.Increment(ref sent).ToString("D10", CultureInfo.InvariantCulture);
        var body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(ServiceHookSample).Replace("1170820242", marker, StringComparison.Ordinal));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sentry/service-hook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-ServiceHook-Timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-ServiceHook-GUID", HookId);
        request.Headers.Add("X-ServiceHook-Signature", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        using var response = await instance.Client.SendAsync(request, Cancel);
        Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Unauthorized, $"accepted or refused, not {response.StatusCode}");
        return response.IsSuccessStatusCode;
    }
}
