import ESXi
/// The fixture's own `ISOLINUX.BIN` when no real isolinux is given: a deliberately tiny BIOS boot program,
/// not a boot loader. It proves what an El Torito BIOS boot of the fixture reaches without shipping
/// syslinux: the firmware loads it (no emulation, 4 × 512 bytes at 0000:7C00), it prints one line naming
/// itself on the screen (BIOS teletype) and on COM1, and halts.
///
/// Layout (2,048 bytes, one sector, so the catalog's load count of 4 loads all of it):
///
/// | offset | what |
/// |---|---|
/// | 0 | `EB 3E`: jump over the boot information table to 0x40 |
/// | 8–63 | boot information table (`bi_pvd`, `bi_file`, `bi_length`, `bi_csum`, 40 reserved bytes): zero here, filled in by the ISO builder exactly as for isolinux (`-boot-info-table`) |
/// | 0x40–0x7A | code (below) |
/// | 0x80 | the message, NUL-terminated |
/// | … 2047 | zero |
///
/// The code, assembled with GNU as (`as --32`, `.code16`; `objcopy -O binary`):
///
/// ```
/// 40: fa             cli
/// 41: 31 c0          xor   %ax,%ax
/// 43: 8e d0          mov   %ax,%ss
/// 45: bc 00 7c       mov   $0x7c00,%sp
/// 48: 8e d8          mov   %ax,%ds
/// 4a: 8e c0          mov   %ax,%es
/// 4c: ea 51 7c 00 00 ljmp  $0x0,$0x7c51        ; CS:IP may be 07C0:0000 or 0000:7C00: normalise
/// 51: fb             sti
/// 52: be 80 7c       mov   $0x7c80,%si         ; the message
/// 55: ac             lodsb                     ; next:
/// 56: 84 c0          test  %al,%al
/// 58: 74 1c          je    0x76                ; NUL: halt
/// 5a: 50             push  %ax
/// 5b: b4 0e          mov   $0xe,%ah            ; int 10h/0Eh teletype: the screen (a BMC's console)
/// 5d: bb 07 00       mov   $0x7,%bx
/// 60: cd 10          int   $0x10
/// 62: ba fd 03       mov   $0x3fd,%dx          ; COM1 line status register
/// 65: b9 ff ff       mov   $0xffff,%cx         ; bounded wait, so a missing UART cannot hang the loop
/// 68: ec             in    (%dx),%al           ; wait:
/// 69: a8 20          test  $0x20,%al           ; transmitter holding register empty?
/// 6b: 75 02          jne   0x6f
/// 6d: e2 f9          loop  0x68
/// 6f: 58             pop   %ax                 ; ready:
/// 70: ba f8 03       mov   $0x3f8,%dx          ; COM1 data register: the serial console
/// 73: ee             out   %al,(%dx)
/// 74: eb df          jmp   0x55
/// 76: fa             cli                       ; halt:
/// 77: f4             hlt
/// 78: eb fc          jmp   0x76
/// ```
public enum IsolinuxStub {
    public static let byteCount = 2048
    static let messageOffset = 0x80

    static let code: [UInt8] = [
        0xFA, 0x31, 0xC0, 0x8E, 0xD0, 0xBC, 0x00, 0x7C, 0x8E, 0xD8, 0x8E, 0xC0, 0xEA, 0x51, 0x7C, 0x00,
        0x00, 0xFB, 0xBE, 0x80, 0x7C, 0xAC, 0x84, 0xC0, 0x74, 0x1C, 0x50, 0xB4, 0x0E, 0xBB, 0x07, 0x00,
        0xCD, 0x10, 0xBA, 0xFD, 0x03, 0xB9, 0xFF, 0xFF, 0xEC, 0xA8, 0x20, 0x75, 0x02, 0xE2, 0xF9, 0x58,
        0xBA, 0xF8, 0x03, 0xEE, 0xEB, 0xDF, 0xFA, 0xF4, 0xEB, 0xFC,
    ]

    /// The line the stub prints; tests look for it on the serial console.
    public static func message(release: ESXiRelease) -> String {
        "vmedia fixture (ESXi \(release.rawValue) shape): El Torito BIOS boot reached the stub ISOLINUX.BIN. "
            + "This image holds no boot loader; build it with --isolinux to boot ISOLINUX."
    }

    /// The 2,048-byte boot file for `release`.
    public static func bytes(release: ESXiRelease) -> [UInt8] {
        var image = [UInt8](repeating: 0, count: byteCount)
        image[0] = 0xEB
        image[1] = 0x3E
        image.replaceSubrange(0x40..<0x40 + code.count, with: code)
        let text = Array(("\r\n" + message(release: release) + "\r\n").utf8)
        image.replaceSubrange(messageOffset..<messageOffset + text.count, with: text)
        return image
    }
}
