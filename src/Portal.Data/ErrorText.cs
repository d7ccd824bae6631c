namespace Portal.Data;

/// <summary>Why something failed, as the storage keeps it: at most <see cref="MaxLength"/> characters, cut visibly.</summary>
public static class ErrorText
{
    /// <summary>The longest error text any column keeps.</summary>
    public const int MaxLength = 1000;

    public static string Truncate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= MaxLength)
        {
            return text;
        }

        // Never split a surrogate pair: the cut text must still be valid UTF-16.
        var cut = char.IsHighSurrogate(text[MaxLength - 2]) ? MaxLength - 2 : MaxLength - 1;
        return string.Concat(text.AsSpan(0, cut), "…");
    }
}
