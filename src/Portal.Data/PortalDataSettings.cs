namespace Portal.Data;

/// <summary>The resolved connection string, for the parts that talk to SQLite without EF Core (the ingest writer).</summary>
public sealed record PortalDataSettings(string ConnectionString);
