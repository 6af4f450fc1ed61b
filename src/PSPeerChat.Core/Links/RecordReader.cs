using System;
using PSPeerChat.Protocol;
using PSPeerChat.Protocol.Noise;

namespace PSPeerChat.Links
{
    /// <summary>What <see cref="RecordReader.Take"/> did.</summary>
    internal enum RecordRead
    {
        /// <summary>Plaintext was copied out (from the last record, or one more record opened).</summary>
        Plaintext,

        /// <summary>An empty record was opened: nothing to copy, but it counts against the read rates.</summary>
        EmptyRecord,

        /// <summary>No whole record is buffered: receive more bytes (<see cref="RecordReader.ReceiveSpace"/>).</summary>
        NeedBytes,

        /// <summary>A record did not open (altered, forged, replayed, reordered): the link must close.</summary>
        Failed,
    }

    /// <summary>
    /// The reader's half of an encrypted link (protocol.md §9.4): ciphertext from the socket waits here until a whole
    /// record is in; the record is opened into a plaintext buffer that the frame splitter drains. Used by the link's
    /// reader only. Buffers grow to the largest record seen, at most one record (65,537 bytes) each.
    /// </summary>
    internal sealed class RecordReader
    {
        private readonly RecordCipher _cipher;
        private byte[] _wire;
        private int _wireStart;
        private int _wireEnd;
        private byte[] _plain = Array.Empty<byte>();
        private int _plainStart;
        private int _plainEnd;
        private bool _ended;

        /// <param name="cipher">The link's record cipher (its receive direction is used here).</param>
        /// <param name="leftover">Bytes already read behind the last handshake frame: the start of the records.</param>
        public RecordReader(RecordCipher cipher, byte[] leftover, int offset, int count, int initialSize)
        {
            _cipher = cipher;
            _wire = new byte[Math.Max(initialSize, count)];
            Buffer.BlockCopy(leftover, offset, _wire, 0, count);
            _wireEnd = count;
        }

        /// <summary>Records opened so far.</summary>
        public ulong RecordsOpened => _cipher.RecordsReceived;

        /// <summary>True while received bytes wait that are not yet handed out (part of a record, or opened plaintext).</summary>
        public bool HasBufferedBytes => _wireEnd > _wireStart || _plainEnd > _plainStart;

        /// <summary>Copies plaintext of a record already opened, if any is left; opens nothing.</summary>
        public bool TryTakeOpened(byte[] destination, int offset, int room, out int count)
        {
            count = Math.Min(_plainEnd - _plainStart, room);
            if (count <= 0)
            {
                count = 0;
                return false;
            }
            Buffer.BlockCopy(_plain, _plainStart, destination, offset, count);
            _plainStart += count;
            return true;
        }

        /// <summary>
        /// Copies up to <paramref name="room"/> bytes of plaintext to <paramref name="destination"/>, opening at most one
        /// record to do so. <paramref name="count"/> is what was copied.
        /// </summary>
        public RecordRead Take(byte[] destination, int offset, int room, out int count)
        {
            count = 0;
            if (_plainEnd == _plainStart)
            {
                if (_ended) return RecordRead.Failed;
                RecordStatus status = _cipher.Peek(_wire, _wireStart, _wireEnd - _wireStart, out int plaintextBytes);
                if (status == RecordStatus.Incomplete) return RecordRead.NeedBytes;
                if (status == RecordStatus.Opened)
                {
                    if (_plain.Length < plaintextBytes) _plain = new byte[Math.Max(plaintextBytes, Math.Min(2 * _plain.Length, RecordCipher.MaxPlaintext))];
                    status = _cipher.TryOpen(_wire, _wireStart, _wireEnd - _wireStart, _plain, 0, out plaintextBytes, out int consumed);
                    if (status == RecordStatus.Opened)
                    {
                        _wireStart += consumed;
                        _plainStart = 0;
                        _plainEnd = plaintextBytes;
                        if (plaintextBytes == 0) return RecordRead.EmptyRecord;
                    }
                }
                if (status == RecordStatus.Failed) return TakeClearClose() ? Take(destination, offset, room, out count) : RecordRead.Failed;
            }
            TryTakeOpened(destination, offset, room, out count);
            return RecordRead.Plaintext;
        }

        /// <summary>Room for the next receive, made so that the next whole record fits: (buffer, offset, count).</summary>
        public ArraySegment<byte> ReceiveSpace()
        {
            int unread = _wireEnd - _wireStart;
            int needed = unread >= RecordCipher.LengthSize ? RecordCipher.RecordSize(((_wire[_wireStart] << 8) | _wire[_wireStart + 1]) - CipherState.TagSize) : RecordCipher.LengthSize;
            if (_wire.Length - _wireStart < needed || _wireEnd == _wire.Length)
            {
                byte[] target = _wire.Length >= Math.Max(needed, unread + 1) ? _wire : new byte[Math.Max(needed, Math.Min(2 * _wire.Length, RecordCipher.RecordSize(RecordCipher.MaxPlaintext)))];
                Buffer.BlockCopy(_wire, _wireStart, target, 0, unread);
                _wire = target;
                _wireStart = 0;
                _wireEnd = unread;
            }
            return new ArraySegment<byte>(_wire, _wireEnd, _wire.Length - _wireEnd);
        }

        /// <summary><paramref name="count"/> bytes arrived in the space <see cref="ReceiveSpace"/> gave.</summary>
        public void Received(int count) => _wireEnd += count;

        /// <summary>
        /// Before the first record, a refusal may come in the clear: the other side closed the handshake (timeout,
        /// shutdown) before it read our last handshake message and so before it had keys. A whole CLOSE frame there is
        /// handed on as the last plaintext of the link (it is no worse than a reset, which anyone on the path can send);
        /// anything else, or anything after the first record, is a failed record.
        /// </summary>
        private bool TakeClearClose()
        {
            _ended = true;
            if (_cipher.RecordsReceived != 0) return false;
            int unread = _wireEnd - _wireStart;
            if (unread < ProtocolLimits.LengthPrefix + 1) return false;
            uint length = BigEndian.ReadUInt32(_wire, _wireStart);
            if (length < 1 || length > 1 + 1 + 1 + ProtocolLimits.MaxReasonBytes || unread < ProtocolLimits.LengthPrefix + length) return false;
            if (_wire[_wireStart + ProtocolLimits.LengthPrefix] != (byte)FrameType.Close) return false;
            int frame = ProtocolLimits.LengthPrefix + (int)length;
            _plain = new byte[frame];
            Buffer.BlockCopy(_wire, _wireStart, _plain, 0, frame);
            _plainStart = 0;
            _plainEnd = frame;
            _wireStart = _wireEnd;
            return true;
        }
    }
}
