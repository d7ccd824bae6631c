namespace Portal.Data;

/// <summary>
/// Free text as a SQL <c>LIKE</c> "contains" pattern: the text's own <c>%</c>, <c>_</c> and <c>\</c> are escaped
/// (with <see cref="Escape"/>), so a search for "100%" finds "100%" and not everything. Always a parameter.
/// The pattern is lower case and is matched against <see cref="Lower"/> of the column: SQLite's LIKE ignores ASCII
/// case and PostgreSQL's does not, so the query asks for case-blindness itself and both answer alike.
/// </summary>
public static class SqlLike
{
    public const string Escape = @"\";

    public static string Containing(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return "%" + text.ToLowerInvariant().Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal) + "%";
    }

    /// <summary>SQL's <c>lower()</c> of a column, in a query only (mapped in <see cref="PortalDbContext"/>).</summary>
    public static string? Lower(string? text) =>
        throw new InvalidOperationException($"{nameof(SqlLike)}.{nameof(Lower)} runs in the database, in a LINQ query only.");
}
