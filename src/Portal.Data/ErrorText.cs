namespace Portal.Data;

/// <summary>Why something failed, as the storage keeps it: at most <see cref="MaxLength"/> characters, cut visibly.</summary>
public static class ErrorText
{
    /// <summary>The longest error text any column keeps.</summary>
    public const int MaxLength = 1000;

    public static string Truncate(string text) => Cut(text, MaxLength);

    /// <summary>
    /// <paramref name="text"/> if it fits in <paramref name="maxLength"/> characters; else its start and "…", together
    /// exactly <paramref name="maxLength"/> long, so a reader sees that something was cut.
    /// </summary>
    public static string Cut(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        if (text.Length <= maxLength)
        {
            return text;
        }

        // Never split a surrogate pair: the cut text must still be valid UTF-16.
        var cut = char.IsHighSurrogate(text[maxLength - 2]) ? maxLength - 2 : maxLength - 1;
        return string.Concat(text.AsSpan(0, cut), "…");
    }
}
