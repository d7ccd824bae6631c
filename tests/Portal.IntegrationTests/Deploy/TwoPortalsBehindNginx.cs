using Portal.IntegrationTests.Process;

namespace Portal.IntegrationTests.Deploy;

/// <summary>
/// deploy/compose.yaml on one machine: two real portal processes (<c>portal-a</c>, <c>portal-b</c>) on one database
/// and one key ring, behind nginx running deploy/nginx/portal.conf. Nothing starts where nginx is not installed.
/// </summary>
public sealed class TwoPortalsBehindNginx : IAsyncLifetime
{
    private readonly string databasePath = Path.Combine(Path.GetTempPath(), $"portal-nginx-{Guid.NewGuid():N}.db");
    private PortalProcess? portalA;
    private PortalProcess? portalB;
    private NginxProcess? nginx;

    /// <summary>nginx's address: the only one a test talks to.</summary>
    public Uri BaseAddress => nginx!.BaseAddress;

    internal NginxProcess Nginx => nginx!;

    /// <summary>The id the portals gave the delivery of <paramref name="body"/>, once one of them stored it.</summary>
    public long? DeliveryIdOf(byte[] body)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id FROM WebhookDeliveries WHERE BodySha256 = $hash;";
        command.Parameters.AddWithValue("$hash", System.Security.Cryptography.SHA256.HashData(body));
        return command.ExecuteScalar() is long id ? id : null;
    }

    public static void SkipWithoutNginx()
    {
        if (!NginxProcess.IsInstalled)
        {
            Assert.Skip($"nginx not found at {NginxProcess.NginxPath}: apt-get install nginx");
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (!NginxProcess.IsInstalled)
        {
            return;
        }

        // The first start creates the database and the key ring; the second finds both.
        portalA = await PortalProcess.StartAsync(databasePath, Instance("portal-a"));
        portalB = await PortalProcess.StartAsync(databasePath, Instance("portal-b"));
        nginx = await NginxProcess.StartAsync(portalA.BaseAddress, portalB.BaseAddress);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in new IAsyncDisposable?[] { nginx, portalB, portalA })
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }

        PortalProcess.DeleteFiles(databasePath);
    }

    // As compose.yaml configures each instance: its name, and nginx as the one proxy whose forwarded headers count.
    private static Dictionary<string, string> Instance(string name) => new()
    {
        ["Portal__InstanceName"] = name,
        ["Portal__ForwardedHeaders__KnownProxies__0"] = "127.0.0.1",
    };
}
