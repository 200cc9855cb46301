/* tests/list_json.h - tests of tests/test_json.c, in running order. */
TEST_DECLARE(json_python_form)
TEST_DECLARE(json_python_indent)
TEST_DECLARE(json_refused)
TEST_DECLARE(json_tree)
