using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Portal.Data;

public static class PortalDataRegistration
{
    public const string ConnectionStringName = "Portal";
    public const string DefaultConnectionString = "Data Source=portal.db";
    public const string ProviderKey = "Portal:Database:Provider";
    public const string MigrateOnStartKey = "Portal:Database:MigrateOnStart";

    /// <summary>
    /// SQLite (the default) or PostgreSQL through <see cref="IDbContextFactory{PortalDbContext}"/> (one context per unit
    /// of work). The provider is named by <c>Portal:Database:Provider</c>, never guessed from the connection string.
    /// </summary>
    public static IHostApplicationBuilder AddPortalData(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = SettingsFrom(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<DatabaseLocks>();
        builder.Services.AddDbContextFactory<PortalDbContext>(options => settings.Configure(options));
        return builder;
    }

    /// <summary>The configured database; a connection string that plainly belongs to the other provider is refused.</summary>
    public static PortalDataSettings SettingsFrom(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration.GetConnectionString(ConnectionStringName) ?? DefaultConnectionString;
        var name = configuration[ProviderKey];
        var provider = name switch
        {
            null or "" => DatabaseProvider.Sqlite,
            _ when Enum.TryParse<DatabaseProvider>(name, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) => parsed,
            _ when name.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase) => DatabaseProvider.Postgres,
            _ => throw new InvalidOperationException($"{ProviderKey} is \"{name}\"; it must be Sqlite or Postgres."),
        };

        var looksLikePostgres = connectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase);
        if (provider == DatabaseProvider.Sqlite && looksLikePostgres)
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} names a PostgreSQL host but {ProviderKey} is Sqlite; set {ProviderKey}=Postgres.");
        }

        if (provider == DatabaseProvider.Postgres && !looksLikePostgres)
        {
            throw new InvalidOperationException(
                $"{ProviderKey} is Postgres but ConnectionStrings:{ConnectionStringName} names no Host= (e.g. \"Host=db;Database=portal;Username=portal;Password=…\").");
        }

        return new PortalDataSettings(connectionString, provider);
    }

    /// <summary>
    /// Brings the schema up to date before anything reads or writes: applies the checked-in migrations (several
    /// instances starting together take turns: EF Core holds a database lock while it migrates), or, with
    /// <c>Portal:Database:MigrateOnStart=false</c> (migrations applied ahead of a deploy), refuses to start on an
    /// outdated schema rather than fail later on a missing column.
    /// </summary>
    public static async Task PreparePortalDatabaseAsync(this IHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        var migrateOnStart = configuration[MigrateOnStartKey] switch
        {
            null or "" => true,
            var text when bool.TryParse(text, out var value) => value,
            var text => throw new InvalidOperationException($"{MigrateOnStartKey} is \"{text}\"; it must be true or false."),
        };
        if (migrateOnStart)
        {
            await host.MigratePortalDatabaseAsync(cancellationToken);
            return;
        }

        var factory = host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            throw new InvalidOperationException(
                $"The database lacks {pending.Count} migration(s) ({string.Join(", ", pending)}) and {MigrateOnStartKey} is false: run the portal with the argument \"migrate\" first.");
        }
    }

    /// <summary>Applies checked-in migrations; on SQLite, also switches the file to WAL.</summary>
    public static async Task MigratePortalDatabaseAsync(this IHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var settings = host.Services.GetRequiredService<PortalDataSettings>();
        var factory = host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (settings.IsPostgres)
        {
            // Instances starting together on a fresh database: EF Core's own migration lock did not keep two apart in
            // the benchmark (the second failed with "column already exists"), so they take turns on an advisory lock.
            await using (await host.Services.GetRequiredService<DatabaseLocks>().AcquireAsync("portal-migrations", cancellationToken))
            {
                await db.Database.MigrateAsync(cancellationToken);
            }

            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(new SqliteConnectionStringBuilder(settings.ConnectionString).DataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await db.Database.MigrateAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"PRAGMA journal_mode=WAL;", cancellationToken);
    }
}
