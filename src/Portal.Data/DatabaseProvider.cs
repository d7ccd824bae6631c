namespace Portal.Data;

/// <summary>Where the portal keeps its data: <c>Portal:Database:Provider</c>.</summary>
public enum DatabaseProvider
{
    /// <summary>One file beside the portal; one instance. The default: <c>dotnet run</c> needs nothing else.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server shared by any number of instances.</summary>
    Postgres,
}
