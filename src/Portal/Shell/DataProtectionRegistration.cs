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
    /// The key ring that protects tokens at rest (reliability.md O6): a directory of its own, readable by the
    /// portal's user only, optionally encrypted with a certificate.
    /// </summary>
    public static IHostApplicationBuilder AddPortalDataProtection(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(PortalOptions.SectionName).Get<PortalOptions>() ?? new PortalOptions();
        var keysPath = Path.GetFullPath(options.DataProtectionKeysPath is { Length: > 0 } path
            ? path
            : DefaultKeysPath(builder.Configuration.GetConnectionString(PortalDataRegistration.ConnectionStringName) ?? PortalDataRegistration.DefaultConnectionString));
        CreatePrivateDirectory(keysPath);

        var dataProtection = builder.Services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToFileSystem(new DirectoryInfo(keysPath));
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
