namespace Portal.Data;

/// <summary>
/// Free text as a SQL <c>LIKE</c> "contains" pattern: the text's own <c>%</c>, <c>_</c> and <c>\</c> are escaped
/// (with <see cref="Escape"/>), so a search for "100%" finds "100%" and not everything. Always a parameter.
/// </summary>
public static class SqlLike
{
    public const string Escape = @"\";

    public static string Containing(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return "%" + text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal) + "%";
    }
}
