using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Portal.Data.Converters;

/// <summary>
/// Stores instants as UTC ticks: SQLite cannot compare or order <see cref="DateTimeOffset"/> text, and the
/// processor's "due for retry" query needs both.
/// </summary>
internal sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
