/** Word lists for 攀枝花 (Panzhihua, Sichuan): districts, names, companies, trades. */
import type { Bank, Sector } from './types.ts';

export const DISTRICTS = [
  { name: '东区', area: '510402' },
  { name: '西区', area: '510403' },
  { name: '仁和区', area: '510411' },
  { name: '米易县', area: '510421' },
  { name: '盐边县', area: '510422' },
] as const;
export type District = (typeof DISTRICTS)[number];

export const BANKS: readonly (Bank & { refPrefix: string; cardPrefix: string; accountPrefix: string })[] = [
  {
    bankCode: 'ICBC-PZH',
    name: '中国工商银行攀枝花分行',
    refPrefix: 'ICBC',
    cardPrefix: '6222',
    accountPrefix: '2304',
  },
  {
    bankCode: 'CCB-PZH',
    name: '中国建设银行攀枝花分行',
    refPrefix: 'CCB',
    cardPrefix: '6217',
    accountPrefix: '5105',
  },
  {
    bankCode: 'ABC-PZH',
    name: '中国农业银行攀枝花分行',
    refPrefix: 'ABC',
    cardPrefix: '6228',
    accountPrefix: '2256',
  },
];

/** Most common first: picked with a bias towards the head of the list. */
export const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
];

export const GIVEN_MALE = [
  ...'伟强军勇磊涛明超斌刚平辉鹏华飞波建国永志兵林健成东海文杰斌宏德福贵才江川山明红祥林发林清全生华',
];
export const GIVEN_FEMALE = [...'芳娟敏静丽艳秀英桂兰霞燕玲梅琴云莲萍红琼菊凤春莉'];

/** 彝族 names are common in 盐边 and 米易: a few workers get one. */
export const YI_NAMES = [
  '吉克阿依',
  '阿苏拉博',
  '沙马木呷',
  '海来阿木',
  '吉伍子哈',
  '阿牛伍各',
  '马海日者',
  '曲比阿果',
];

export const TEAMS = [
  { team: '钢筋工', minRate: 300, maxRate: 420 },
  { team: '木工', minRate: 280, maxRate: 400 },
  { team: '泥瓦工', minRate: 260, maxRate: 380 },
  { team: '架子工', minRate: 280, maxRate: 400 },
  { team: '电工', minRate: 300, maxRate: 450 },
  { team: '普工', minRate: 180, maxRate: 260 },
] as const;

export const LABOUR_FIRMS = [
  '攀枝花市鑫达建筑劳务有限公司',
  '攀枝花市宏盛劳务有限公司',
  '攀枝花市金沙江建筑劳务有限公司',
  '四川华建劳务有限公司',
  '攀枝花市顺通建筑劳务有限公司',
  '四川川南建筑劳务有限公司',
  '米易县安宁劳务有限公司',
  '攀枝花市恒泰建筑劳务有限公司',
  '盐边县瑞丰劳务有限公司',
  '四川兴川建筑劳务有限公司',
  '攀枝花市大成劳务有限公司',
  '攀枝花市联众建筑劳务有限公司',
  '攀枝花市钒都劳务有限公司',
  '四川攀西建筑劳务有限公司',
  '攀枝花市阳光劳务有限公司',
  '仁和区永兴建筑劳务有限公司',
];

export const OWNERS: Record<Sector, readonly string[]> = {
  housing: ['攀枝花市城市建设投资经营有限公司', '攀枝花市安居保障房建设有限公司'],
  transport: ['攀枝花市交通投资建设集团有限公司', '攀枝花市公路建设开发有限公司'],
  water: ['攀枝花市水务（集团）有限公司', '攀枝花市水利投资开发有限公司'],
  other: ['攀枝花市康养产业投资有限公司', '攀枝花市教育基础设施建设有限公司'],
};

export const CONTRACTORS: Record<Sector, readonly string[]> = {
  housing: ['四川攀成建设工程有限公司', '攀枝花市第一建筑工程有限公司', '四川钒都建工集团有限公司'],
  transport: ['攀枝花公路桥梁工程有限公司', '四川攀西路桥建设有限公司'],
  water: ['四川金江水利水电工程有限公司', '攀枝花市宏达市政工程有限公司'],
  other: ['四川钒都建工集团有限公司', '攀枝花市第一建筑工程有限公司'],
};

/**
 * Further contractors for the demo city: it gives every project a contractor of its own (but for
 * the deliberate pair of `deposit-short`), so that no contractor's arrears raise another project's
 * required deposit by chance, and no same-area floor applies by chance.
 */
export const MORE_CONTRACTORS: Record<Sector, readonly string[]> = {
  housing: ['攀枝花市第二建筑工程有限公司', '四川攀枝花二十冶建设有限公司'],
  transport: ['攀枝花市市政路桥工程有限公司'],
  water: ['攀枝花市水利水电建筑工程有限公司', '四川安宁河水利工程有限公司'],
  other: ['攀枝花市康泰建设工程有限公司'],
};
