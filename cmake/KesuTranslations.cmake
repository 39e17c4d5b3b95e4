# Japanese messages: po/ja/*.po (one file per area, so several people can
# translate at once) are joined with msgcat and compiled with msgfmt
# --check into BUILD/locale/ja/LC_MESSAGES/kesu.mo, beside the binary,
# where kesu finds it without an install (src/cli/i18n.c).
find_program(MSGCAT msgcat REQUIRED)
find_program(MSGFMT msgfmt REQUIRED)
find_program(XGETTEXT xgettext)
file(GLOB KESU_PO_JA CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/po/ja/*.po)
list(SORT KESU_PO_JA) # 00-header.po first: --use-first keeps its header
set(KESU_MO_JA ${CMAKE_BINARY_DIR}/locale/ja/LC_MESSAGES/kesu.mo)
add_custom_command(
  OUTPUT ${KESU_MO_JA}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/locale/ja/LC_MESSAGES
  COMMAND ${MSGCAT} --use-first --force-po -o ${CMAKE_BINARY_DIR}/ja.po ${KESU_PO_JA}
  COMMAND ${MSGFMT} --check -o ${KESU_MO_JA} ${CMAKE_BINARY_DIR}/ja.po
  DEPENDS ${KESU_PO_JA}
  COMMENT "Compiling the Japanese messages (po/ja)")
add_custom_target(kesu_translations ALL DEPENDS ${KESU_MO_JA})
install(FILES ${KESU_MO_JA} DESTINATION ${CMAKE_INSTALL_LOCALEDIR}/ja/LC_MESSAGES)

# `cmake --build BUILD --target kesu-pot` writes BUILD/kesu.pot: every
# message marked in the sources, to check po/ja against (tests/po_check.sh).
if(XGETTEXT)
  # relative: the pot's "#: src/cli/main.c:12" lines are the same in every checkout
  file(GLOB_RECURSE KESU_I18N_SOURCES CONFIGURE_DEPENDS RELATIVE ${CMAKE_SOURCE_DIR}
       ${CMAKE_SOURCE_DIR}/src/cli/*.c ${CMAKE_SOURCE_DIR}/src/lib/*.c)
  list(SORT KESU_I18N_SOURCES)
  add_custom_target(kesu-pot
    COMMAND ${XGETTEXT} --from-code=UTF-8 --language=C --add-comments=TRANSLATORS:
            --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=cli_error --flag=cli_error:1:c-format
            --keyword=Kesu_errorf:4 --flag=Kesu_errorf:4:c-format
            --package-name=kesu -o ${CMAKE_BINARY_DIR}/kesu.pot ${KESU_I18N_SOURCES}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    COMMENT "Extracting the messages into kesu.pot")
endif()
