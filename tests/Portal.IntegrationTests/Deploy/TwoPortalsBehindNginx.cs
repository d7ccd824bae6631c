using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.IntegrationTests.Process;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Deploy;

/// <summary>
/// deploy/compose.yaml on one machine: two real portal processes (<c>portal-a</c>, <c>portal-b</c>) on one
/// PostgreSQL database (which holds the key ring) and one Redis, behind nginx running deploy/nginx/portal.conf.
/// Nothing starts where nginx, PostgreSQL or redis-server is missing; <see cref="SkipUnlessAvailable"/> says which.
/// </summary>
public sealed class TwoPortalsBehindNginx : IAsyncLifetime
{
    public static readonly string[] InstanceNames = ["portal-a", "portal-b"];

    private readonly Dictionary<string, PortalProcess> portals = [];
    private TestDatabase? database;
    private RedisServer? redis;
    private PortalBackend? backend;
    private NginxProcess? nginx;

    /// <summary>nginx's address: the only one a test talks to.</summary>
    public Uri BaseAddress => nginx!.BaseAddress;

    internal NginxProcess Nginx => nginx!;

    /// <summary>Why these tests cannot run here, or null when they can.</summary>
    public static string? Unavailable =>
        !NginxProcess.IsInstalled ? $"nginx not found at {NginxProcess.NginxPath}: apt-get install nginx"
        : PostgresServer.Unavailable is { } postgres ? postgres
        : !File.Exists(RedisServer.Binary) ? $"redis-server not found at {RedisServer.Binary}: apt-get install redis-server"
        : null;

    public static void SkipUnlessAvailable() => Assert.SkipWhen(Unavailable is not null, Unavailable ?? "");

    /// <summary>The id the portals gave the delivery of <paramref name="body"/>, once one of them stored it.</summary>
    public async Task<long?> DeliveryIdOfAsync(byte[] body)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(body);
        await using var db = database!.Open();
        return await db.WebhookDeliveries.Where(d => d.BodySha256 == hash).Select(d => (long?)d.Id).SingleOrDefaultAsync();
    }

    /// <summary>Stops the instance as an orchestrator does (SIGTERM) and waits until it has exited.</summary>
    public async Task StopAsync(string name)
    {
        var portal = portals[name];
        portal.Terminate();
        await portal.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, portal.ExitCode);
    }

    /// <summary>Starts the stopped instance again on the port nginx knows it by.</summary>
    public async Task StartAgainAsync(string name)
    {
        var port = portals[name].BaseAddress.Port;
        await portals[name].DisposeAsync();
        portals[name] = await PortalProcess.StartAsync(backend!, new Dictionary<string, string>(Instance(name))
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        });
    }

    public async ValueTask InitializeAsync()
    {
        if (Unavailable is not null)
        {
            return;
        }

        database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        redis = await RedisServer.StartAsync();
        backend = PortalBackend.Postgres(database.ConnectionString) with { Redis = redis.ConnectionString };
        foreach (var name in InstanceNames)
        {
            portals[name] = await PortalProcess.StartAsync(backend, Instance(name));
        }

        nginx = await NginxProcess.StartAsync(portals["portal-a"].BaseAddress, portals["portal-b"].BaseAddress);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var resource in new IAsyncDisposable?[] { nginx }.Concat(portals.Values).Concat([redis, database]))
        {
            if (resource is not null)
            {
                await resource.DisposeAsync();
            }
        }
    }

    // As compose.yaml configures each instance: its name, and nginx as the one proxy whose forwarded headers count.
    private static Dictionary<string, string> Instance(string name) => new()
    {
        ["Portal__InstanceName"] = name,
        ["Portal__ForwardedHeaders__KnownProxies__0"] = "127.0.0.1",
    };
}
