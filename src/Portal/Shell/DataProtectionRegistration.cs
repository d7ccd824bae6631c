using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Portal.Data;

namespace Portal.Shell;

internal static class DataProtectionRegistration
{
    /// <summary>Fixed, so keys written by one release (or instance) still decrypt in the next.</summary>
    public const string ApplicationName = "SentryAppPortal";

    /// <summary>
    /// The key ring that protects tokens at rest (reliability.md O6), optionally encrypted with a certificate.
    /// On SQLite (one instance) it is a directory of its own, readable by the portal's user only, so a copy of the
    /// database alone reveals no token. On PostgreSQL every instance must read what another protected, so the ring
    /// lives in the database (<c>DataProtectionKeys</c>), unless <c>Portal:DataProtectionKeysPath</c> names a shared
    /// directory; there, protect it with a certificate the database does not hold.
    /// </summary>
    public static IHostApplicationBuilder AddPortalDataProtection(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(PortalOptions.SectionName).Get<PortalOptions>() ?? new PortalOptions();
        var database = PortalDataRegistration.SettingsFrom(builder.Configuration);
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName(ApplicationName);
        if (database.IsPostgres && options.DataProtectionKeysPath is not { Length: > 0 })
        {
            dataProtection.PersistKeysToDbContext<PortalDbContext>();
        }
        else
        {
            var keysPath = Path.GetFullPath(options.DataProtectionKeysPath is { Length: > 0 } path ? path : DefaultKeysPath(database.ConnectionString));
            CreatePrivateDirectory(keysPath);
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keysPath));
        }

        if (options.DataProtectionCertificatePath is { Length: > 0 } certificatePath)
        {
            dataProtection.ProtectKeysWithCertificate(X509CertificateLoader.LoadPkcs12FromFile(certificatePath, options.DataProtectionCertificatePassword));
        }

        return builder;
    }

    private static string DefaultKeysPath(string connectionString)
    {
        var database = Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource);
        return Path.Combine(Path.GetDirectoryName(database) ?? ".", "keys");
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
