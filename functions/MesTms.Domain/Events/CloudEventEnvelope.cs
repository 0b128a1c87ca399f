using System.Text.Json;

namespace MesTms.Domain.Events;

/// <summary>
/// The CloudEvents 1.0 attributes of one incoming event, read leniently so that a malformed event can still be
/// validated field by field. <see cref="Data"/> is the raw <c>data</c> member, if any; <see cref="DataError"/> says
/// why <c>data_base64</c> could not be decoded, when it could not. <see cref="ReadErrors"/> lists what made the event
/// unreadable before any rule applies (an attribute that is not a string, text that is not Unicode): such an event is refused.
/// </summary>
public sealed record CloudEventEnvelope(
    string? Id,
    string? Type,
    string? Source,
    string? Subject,
    string? SpecVersion,
    string? Time,
    string? DataContentType,
    JsonElement? Data,
    string? DataError = null,
    IReadOnlyList<FieldError>? ReadErrors = null)
{
    /// <summary>True for an event whose text could not be read at all (see <see cref="Unreadable(IReadOnlyList{FieldError})"/>).</summary>
    public bool IsUnreadable { get; init; }

    /// <summary>An event nothing can be read from (text that is not Unicode): refused with <paramref name="reasons"/> alone.</summary>
    public static CloudEventEnvelope Unreadable(IReadOnlyList<FieldError> reasons) =>
        new(null, null, null, null, null, null, null, null, ReadErrors: reasons) { IsUnreadable = true };
}

/// <summary>One reason an event was refused: the offending field (JSON path) and what is wrong with it.</summary>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
