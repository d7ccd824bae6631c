using System.Text;

namespace Portal.SentryPlatform;

/// <summary>Makes text from a request safe to log: control characters escaped, at most 256 characters (reliability.md I2).</summary>
public static class UntrustedText
{
    public const int MaxLogLength = 256;

    public static string ForLog(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var builder = new StringBuilder(Math.Min(value.Length, MaxLogLength) + 8);
        foreach (var c in value)
        {
            if (builder.Length >= MaxLogLength)
            {
                builder.Append('…');
                break;
            }

            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                builder.Append(@"\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
