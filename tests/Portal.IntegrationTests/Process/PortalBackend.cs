using Portal.Data;

namespace Portal.IntegrationTests.Process;

/// <summary>
/// What the portal processes of one test share, as environment variables: the database (a SQLite file with its key
/// ring beside it, or a PostgreSQL database, which holds the key ring itself) and, optionally, Redis.
/// </summary>
internal sealed record PortalBackend(DatabaseProvider Provider, string ConnectionString, string? KeysPath)
{
    /// <summary>The <c>ConnectionStrings:Redis</c> that joins the instances, or null for none.</summary>
    public string? Redis { get; init; }

    /// <summary>Keeps this test's Redis traffic apart from any other portal using the same server.</summary>
    public string ChannelPrefix { get; init; } = $"portal-{Guid.NewGuid():N}";

    /// <summary><c>Portal:Processing:ClaimLease</c> (PostgreSQL), or null for the portal's default.</summary>
    public TimeSpan? ClaimLease { get; init; }

    public static PortalBackend Sqlite(string databasePath) =>
        new(DatabaseProvider.Sqlite, $"Data Source={databasePath}", databasePath + "-keys");

    public static PortalBackend Postgres(string connectionString) =>
        new(DatabaseProvider.Postgres, connectionString, null);

    public IReadOnlyDictionary<string, string> Environment
    {
        get
        {
            var environment = new Dictionary<string, string>
            {
                ["Portal__Database__Provider"] = Provider.ToString(),
                ["ConnectionStrings__Portal"] = ConnectionString,
                ["Portal__Scaleout__ChannelPrefix"] = ChannelPrefix,
            };
            if (KeysPath is not null)
            {
                environment["Portal__DataProtectionKeysPath"] = KeysPath;
            }

            if (Redis is not null)
            {
                environment["ConnectionStrings__Redis"] = Redis;
            }

            if (ClaimLease is { } lease)
            {
                environment["Portal__Processing__ClaimLease"] = lease.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
            }

            return environment;
        }
    }
}
