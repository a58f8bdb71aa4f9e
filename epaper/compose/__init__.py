"""epaper's own paragraph composer: total-fit (Knuth–Plass) line breaking of body text.

WeasyPrint breaks lines greedily, one at a time. The composer chooses every break of a
paragraph at once, from word widths shaped with HarfBuzz on the very font files, sizes and
letter-spacing the layout's CSS gives WeasyPrint, so that each planned line prints exactly as
computed (``epaper.render.weasy.check_columns`` proves it after rendering).

Modules: ``settings`` (the layout's ``[composer]`` table), ``shaping`` (HarfBuzz widths),
``hyphens`` (pyphen by locale, words never broken), ``breaker`` (Knuth–Plass), ``korean``
(syllable breaks, kinsoku), ``paragraph`` (a paragraph's runs → lines), ``quality``
(word-space ratios and hyphenation figures).
"""
