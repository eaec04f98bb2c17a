# tools/gdb/mmk.py - gdb commands that read the page allocator's state out of
# a stopped kernel through its debug information, in the same formats as the
# kernel's own /proc-style printers:
#
#   mm-buddyinfo              /proc/buddyinfo: free blocks per order and zone
#   mm-zoneinfo               one line per zone: span, counts, watermarks, free
#   mm-page PFN               the struct page of PFN: flags decoded, order,
#                             refcount, zone, buddy order when free
#   mm-free-blocks ZONE ORDER [MAX]
#                             pfns of free blocks on ZONE's order-ORDER lists
#
# Loaded by tools/gdb/mmk.gdb. Everything is read from memory; the kernel is
# not called, so the commands work at any stop, even inside the allocator
# (numbers may then be mid-update).

import gdb

# mm/page.h's macros (not in the debug information): where struct page's
# flags keep the allocation order, the zone index and the node.
PAGE_ORDER_SHIFT = 16
PAGE_ZONE_SHIFT = 27
PAGE_NODE_SHIFT = 29


def _zones():
    """Every zone of every node mm/ set up (mm_node_data[0 .. mm_nr_nodes-1])."""
    nodes = gdb.parse_and_eval("mm_node_data")
    out = []
    for nid in range(int(gdb.parse_and_eval("mm_nr_nodes"))):
        zones = nodes[nid]["node_zones"]
        lo, hi = zones.type.range()
        out += [zones[i] for i in range(lo, hi + 1)]
    return out


def _max_order(zone):
    return zone["free_area"].type.range()[1] + 1


def _populated(zone):
    return int(zone["present_pages"]) != 0


def _enum(type_name):
    """{value: name} of an enum in the kernel's debug information."""
    t = gdb.lookup_type(type_name)
    return {int(f.enumval): f.name for f in t.fields()}


def _parse_int(arg, what):
    try:
        return int(gdb.parse_and_eval(arg))
    except gdb.error as e:
        raise gdb.GdbError("%s: bad number '%s' (%s)" % (what, arg, e))


def _friendly_errors(invoke):
    """A read of unmapped memory (not connected, or stopped before the
    kernel's page tables exist) becomes one line instead of a traceback."""
    def wrapper(self, arg, from_tty):
        try:
            invoke(self, arg, from_tty)
        except gdb.MemoryError as e:
            raise gdb.GdbError("%s: cannot read kernel memory (%s); connected, and past "
                               "mm_init?" % (self._name, e))
    return wrapper


def _lru_offset():
    page_t = gdb.lookup_type("struct page")
    for f in page_t.fields():
        if f.name == "lru":
            return f.bitpos // 8
    raise gdb.GdbError("struct page has no lru field")


class MmBuddyinfo(gdb.Command):
    """Print /proc/buddyinfo from mm_node_data: populated zones only,
free blocks per order: mm-buddyinfo"""

    def __init__(self):
        super().__init__("mm-buddyinfo", gdb.COMMAND_DATA)
        self._name = "mm-buddyinfo"

    @_friendly_errors
    def invoke(self, arg, from_tty):
        if arg.strip():
            raise gdb.GdbError("mm-buddyinfo takes no arguments")
        for z in _zones():
            if not _populated(z):
                continue
            line = "Node %d, zone %8s " % (int(z["node"]), z["name"].string())
            for o in range(_max_order(z)):
                line += "%6d " % int(z["free_area"][o]["nr_free"])
            gdb.write(line + "\n")


class MmZoneinfo(gdb.Command):
    """Short /proc/zoneinfo: one line per zone with start_pfn, spanned,
present, managed, free pages and the min/low/high watermarks: mm-zoneinfo"""

    def __init__(self):
        super().__init__("mm-zoneinfo", gdb.COMMAND_DATA)
        self._name = "mm-zoneinfo"

    @_friendly_errors
    def invoke(self, arg, from_tty):
        if arg.strip():
            raise gdb.GdbError("mm-zoneinfo takes no arguments")
        for z in _zones():
            wm = z["_watermark"]
            free = int(z["vm_stat"][0])  # NR_FREE_PAGES
            gdb.write("Node %d, zone %8s: start_pfn 0x%x spanned %d present %d managed %d "
                      "free %d min %d low %d high %d\n" %
                      (int(z["node"]), z["name"].string(), int(z["zone_start_pfn"]), int(z["spanned_pages"]),
                       int(z["present_pages"]), int(z["managed_pages"]), free,
                       int(wm[0]), int(wm[1]), int(wm[2])))


class MmPage(gdb.Command):
    """Print the struct page of a pfn (mm_mem_map + PFN): mm-page PFN
Flags are decoded by name; order is the allocation order kept on an
allocated block's head page, buddy order the free block's order."""

    def __init__(self):
        super().__init__("mm-page", gdb.COMMAND_DATA)
        self._name = "mm-page"

    @_friendly_errors
    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if len(args) != 1:
            raise gdb.GdbError("usage: mm-page PFN")
        pfn = _parse_int(args[0], "mm-page")
        mm_max_pfn = int(gdb.parse_and_eval("mm_max_pfn"))
        if int(gdb.parse_and_eval("mm_mem_map")) == 0:
            raise gdb.GdbError("mm-page: mm_mem_map is not set up yet (before mm_init)")
        if pfn < 0 or pfn >= mm_max_pfn:
            raise gdb.GdbError("mm-page: pfn 0x%x out of range (mm_max_pfn 0x%x)" % (pfn, mm_max_pfn))
        page = gdb.parse_and_eval("mm_mem_map")[pfn]
        flags = int(page["flags"])
        names = _enum("enum pageflags")
        set_flags = [names[b] for b in sorted(names) if b < 32 and names[b] != "NR_PAGEFLAGS"
                     and flags & (1 << b)]
        order = (flags >> PAGE_ORDER_SHIFT) & 0xf
        zone_idx = (flags >> PAGE_ZONE_SHIFT) & 0x3
        nid = (flags >> PAGE_NODE_SHIFT) & 0x7
        zones = [z for z in _zones() if int(z["node"]) == nid]
        zone = zones[zone_idx]["name"].string() if zone_idx < len(zones) else "?"
        if nid:
            zone = "%s (node %d)" % (zone, nid)
        gdb.write("pfn 0x%x (%d): struct page at 0x%x\n" % (pfn, pfn, int(page.address)))
        gdb.write("  flags 0x%08x %s\n" % (flags, "|".join(set_flags) if set_flags else "(none)"))
        gdb.write("  zone %s  alloc order %d  refcount %d  private %d  mapping 0x%x  index %d\n" %
                  (zone, order, int(page["_refcount"]), int(page["private"]),
                   int(page["mapping"]), int(page["index"])))
        if "PG_buddy" in set_flags:
            gdb.write("  free block: buddy order %d (pfns 0x%x-0x%x)\n" %
                      (int(page["private"]), pfn, pfn + (1 << int(page["private"])) - 1))


class MmFreeBlocks(gdb.Command):
    """List pfns of free blocks on a zone's free lists of one order, by
migratetype: mm-free-blocks ZONE ORDER [MAX]   (ZONE: DMA, DMA32, Normal)"""

    def __init__(self):
        super().__init__("mm-free-blocks", gdb.COMMAND_DATA)
        self._name = "mm-free-blocks"

    @_friendly_errors
    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if len(args) not in (2, 3):
            raise gdb.GdbError("usage: mm-free-blocks ZONE ORDER [MAX]")
        zone = [z for z in _zones() if z["name"].string() == args[0]]
        if not zone:
            raise gdb.GdbError("mm-free-blocks: no zone '%s'" % args[0])
        zone = zone[0]
        order = _parse_int(args[1], "mm-free-blocks")
        if order < 0 or order >= _max_order(zone):
            raise gdb.GdbError("mm-free-blocks: order %d out of range" % order)
        limit = _parse_int(args[2], "mm-free-blocks") if len(args) == 3 else 8
        mm_mem_map = int(gdb.parse_and_eval("mm_mem_map"))
        page_size = gdb.lookup_type("struct page").sizeof
        off = _lru_offset()
        mts = _enum("enum migratetype")
        lists = zone["free_area"][order]["free_list"]
        lo, hi = lists.type.range()
        for mt in range(lo, hi + 1):
            head = lists[mt].address
            node = lists[mt]["next"]
            pfns = []
            total = 0
            # Bounded: a corrupted list must not hang the debugger.
            while int(node) != int(head) and total < 1 << 22:
                if len(pfns) < limit:
                    pfns.append((int(node) - off - mm_mem_map) // page_size)
                total += 1
                node = node["next"]
            name = mts.get(mt, str(mt)).replace("MIGRATE_", "")
            gdb.write("%-12s %6d blocks%s %s\n" % (name, total, ":" if pfns else "",
                      " ".join("0x%x" % p for p in pfns)))


MmBuddyinfo()
MmZoneinfo()
MmPage()
MmFreeBlocks()
