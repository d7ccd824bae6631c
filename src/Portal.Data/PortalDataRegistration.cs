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

    /// <summary>SQLite through <see cref="IDbContextFactory{PortalDbContext}"/> (one context per unit of work).</summary>
    public static IHostApplicationBuilder AddPortalData(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName) ?? DefaultConnectionString;
        var settings = new PortalDataSettings(connectionString);
        builder.Services.AddSingleton(settings);
        builder.Services.AddDbContextFactory<PortalDbContext>(options => options
            .UseSqlite(connectionString)
            .AddInterceptors(new SqlitePragmas()));
        return builder;
    }

    /// <summary>Applies checked-in migrations and switches the file to WAL before anything reads or writes.</summary>
    public static async Task MigratePortalDatabaseAsync(this IHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var factory = host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var directory = Path.GetDirectoryName(Path.GetFullPath(new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await db.Database.MigrateAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"PRAGMA journal_mode=WAL;", cancellationToken);
    }
}
